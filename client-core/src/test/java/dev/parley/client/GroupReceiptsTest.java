package dev.parley.client;

import dev.parley.client.ClientEvents.GroupDelivered;
import dev.parley.client.ClientEvents.GroupMemberChanged;
import dev.parley.client.ClientEvents.GroupMessage;
import dev.parley.client.ClientEvents.GroupRead;
import dev.parley.client.ClientEvents.GroupTyping;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Receipts and typing in a group of three real clients over a real server and real WebRTC sessions:
 * the author hears each member's storing of its post once ("delivered to k of n"), every member hears
 * who read up to where, and typing shows who.
 */
@Tag("native")
class GroupReceiptsTest {
    @TempDir
    Path dir;
    TestNetwork net;

    @AfterEach
    void tearDown() {
        if (net != null) net.close();
    }

    @Test
    void deliveredToEachMemberOnceReadMarksAndTypingShowWho() throws Exception {
        net = new TestNetwork(dir);
        ClientEvents ra = new ClientEvents("alice").ignoringConnectivity().recordingGroupReceipts(),
                rb = new ClientEvents("bob").ignoringConnectivity().recordingGroupReceipts(),
                rc = new ClientEvents("carol").ignoringConnectivity().recordingGroupReceipts();
        rb.ignoring(GroupMemberChanged.class);
        rc.ignoring(GroupMemberChanged.class);
        ParleyClient a = net.client("alice", ra), b = net.client("bob", rb), c = net.client("carol", rc);
        for (ClientEvents r : List.of(ra, rb, rc)) r.expectServer(true);
        GroupTest.befriendAll(a, b, c);
        GroupId g = GroupTest.family(a, ra, b, rb, c, rc);

        // Delivered: Alice hears Bob and Carol store her post, each once; they hear nothing of it.
        GroupPost post = a.sendToGroup(g, "dinner at eight?");
        ra.expectNext(GroupMessage.class, "own post", m -> m.post().id().equals(post.id()));
        Set<PeerId> storedBy = new HashSet<>();
        for (int i = 0; i < 2; i++) {
            GroupDelivered d = ra.expectNext(GroupDelivered.class, "delivered " + (i + 1) + " of 2", e -> e.message().equals(post.id()));
            assertThat(d.group()).isEqualTo(g);
            assertThat(storedBy.add(d.member())).as("once per member: " + d).isTrue();
        }
        assertThat(storedBy).containsExactlyInAnyOrder(b.peerId(), c.peerId());
        assertThat(a.groupDeliveredTo(post.id())).containsExactlyInAnyOrderElementsOf(storedBy);
        for (ClientEvents r : List.of(rb, rc)) r.expectNext(GroupMessage.class, "alice's post", m -> m.post().id().equals(post.id()));
        assertThat(a.groupReadBy(post.id())).isEmpty();

        // Read: Bob reads everything; Alice and Carol hear it from him, and "read by" names him.
        b.markGroupRead(g, null);
        for (ClientEvents r : List.of(ra, rc)) {
            GroupRead read = r.expectNext(GroupRead.class, "bob read", e -> e.member().equals(b.peerId()));
            assertThat(read.group()).isEqualTo(g);
            assertThat(read.upTo()).isEqualTo(post.id());
        }
        assertThat(a.groupReadBy(post.id())).containsExactly(b.peerId());
        assertThat(c.groupReadBy(post.id())).containsExactly(b.peerId());
        assertThat(b.groupReadBy(post.id())).isEmpty(); // his own mark is not "read by" for himself
        // The same mark again moves nothing and tells nobody; a message the group does not hold is refused.
        b.markGroupRead(g, post.id());
        assertThatThrownBy(() -> b.markGroupRead(g, GroupMessageId.of("A".repeat(43))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no message");

        // Typing: Carol types, then stops; Alice and Bob see who.
        c.setGroupTyping(g, true);
        for (ClientEvents r : List.of(ra, rb)) {
            GroupTyping t = r.expectNext(GroupTyping.class, "carol typing", e -> e.peer().equals(c.peerId()) && e.typing());
            assertThat(t.group()).isEqualTo(g);
        }
        c.setGroupTyping(g, false);
        for (ClientEvents r : List.of(ra, rb)) r.expectNext(GroupTyping.class, "carol stopped", e -> e.peer().equals(c.peerId()) && !e.typing());

        // Carol's reply: Alice's read mark answers it; nothing else (no second receipt) came before.
        GroupPost reply = c.sendToGroup(g, "yes!");
        rc.expectNext(GroupMessage.class, "own reply", m -> m.post().id().equals(reply.id()));
        ra.expectNext(GroupMessage.class, "carol's reply", m -> m.post().id().equals(reply.id()));
        a.markGroupRead(g, reply.id());
        // At Carol: Alice and Bob store the reply, Alice reads it (Alice's ack and read travel apart: any order).
        Set<ClientEvents.Event> atCarol = new HashSet<>();
        for (int i = 0; i < 3; i++) atCarol.add(rc.expectNext("receipt " + (i + 1) + " of 3 for the reply",
                e -> e instanceof GroupDelivered || e instanceof GroupRead));
        assertThat(atCarol).containsExactlyInAnyOrder(new GroupDelivered(g, reply.id(), a.peerId()),
                new GroupDelivered(g, reply.id(), b.peerId()), new GroupRead(g, a.peerId(), reply.id()));
        Set<String> atBob = new HashSet<>();
        for (int i = 0; i < 2; i++) {
            ClientEvents.Event e = rb.expectNext("reply or alice's read " + (i + 1) + " of 2",
                    x -> x instanceof GroupMessage m && m.post().id().equals(reply.id()) || x.equals(new GroupRead(g, a.peerId(), reply.id())));
            atBob.add(e.getClass().getSimpleName());
        }
        assertThat(atBob).containsExactlyInAnyOrder("GroupMessage", "GroupRead");
        // Read by: Alice for the reply (Bob's mark is before it); Bob for the first post (Alice wrote it: never "read by" her).
        assertThat(c.groupReadBy(reply.id())).containsExactly(a.peerId());
        assertThat(c.groupReadBy(post.id())).containsExactly(b.peerId());
        for (ClientEvents r : List.of(ra, rb, rc)) r.assertExhausted();

        // A member away while another read: the read mark comes on her next session, with the post.
        c.close();
        rc.expectNext(ClientEvents.Closed.class, "carol closed", x -> true);
        GroupPost away = a.sendToGroup(g, "while carol is away");
        rb.expectNext(GroupMessage.class, "the post", m -> m.post().id().equals(away.id()));
        b.markGroupRead(g, away.id());
        ClientEvents rc2 = new ClientEvents("carol again").ignoringConnectivity().recordingGroupReceipts();
        ParleyClient c2 = net.client("carol", rc2);
        rc2.expectServer(true);
        Set<String> back = new HashSet<>();
        for (int i = 0; i < 2; i++) {
            ClientEvents.Event e = rc2.expectNext("the post or bob's mark " + (i + 1) + " of 2",
                    x -> x instanceof GroupMessage m && m.post().id().equals(away.id()) || x.equals(new GroupRead(g, b.peerId(), away.id())));
            back.add(e.getClass().getSimpleName());
        }
        assertThat(back).containsExactlyInAnyOrder("GroupMessage", "GroupRead");
        assertThat(c2.groupReadBy(away.id())).containsExactly(b.peerId());
        // Alice's mark (the reply) was resent too, and moved nothing: a last post closes the window.
        GroupPost last = b.sendToGroup(g, "sentinel");
        rc2.assertNothingElseUntil(GroupMessage.class, "sentinel", m -> m.post().id().equals(last.id()));
        rc2.assertExhausted();
    }
}
