package dev.parley.client;

import dev.parley.client.ClientEvents.GroupInvited;
import dev.parley.client.ClientEvents.GroupMemberChanged;
import dev.parley.client.ClientEvents.GroupMessage;
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
 * Group conversations between three real clients over a real server and real WebRTC sessions: every
 * member shows every message once and in the same order, and a member who was offline gets what was
 * posted from another member after the author has gone.
 */
@Tag("native")
class GroupTest {
    @TempDir
    Path dir;
    TestNetwork net;

    @AfterEach
    void tearDown() {
        if (net != null) net.close();
    }

    static void befriendAll(ParleyClient a, ParleyClient b, ParleyClient c) {
        befriendAll(List.of("alice", "bob", "carol"), List.of(a, b, c));
    }

    /** Makes every two of {@code clients} contacts of each other, each named as in {@code names}. */
    static void befriendAll(List<String> names, List<ParleyClient> clients) {
        for (int i = 0; i < clients.size(); i++) {
            for (int j = i + 1; j < clients.size(); j++) TestNetwork.befriend(clients.get(i), names.get(i), clients.get(j), names.get(j));
        }
    }

    /** Takes the next {@code n} group messages from {@code r} (in whatever order they arrived) and returns their ids. */
    static Set<GroupMessageId> messages(ClientEvents r, int n) {
        Set<GroupMessageId> ids = new HashSet<>();
        for (int i = 0; i < n; i++) {
            GroupMessage m = r.expectNext(GroupMessage.class, "group message " + (i + 1) + " of " + n, x -> true);
            assertThat(ids.add(m.post().id())).as("shown once: " + m.post()).isTrue();
        }
        return ids;
    }

    /** Alice founds "Family" and invites Bob and Carol, who both accept. */
    static GroupId family(ParleyClient a, ClientEvents ra, ParleyClient b, ClientEvents rb, ParleyClient c, ClientEvents rc) {
        return family(List.of(a, b, c), List.of(ra, rb, rc));
    }

    /**
     * The first of {@code members} founds "Family" and invites the others in one go; it hears each added
     * in that order, and each of them, invited, accepts.
     */
    static GroupId family(List<ParleyClient> members, List<ClientEvents> events) {
        ParleyClient founder = members.get(0);
        GroupInfo g = founder.createGroup("Family");
        assertThat(g.admin()).isTrue();
        assertThat(g.members()).isEqualTo(1);
        List<ParleyClient> invited = members.subList(1, members.size());
        founder.invite(g.id(), invited.stream().map(ParleyClient::peerId).toList());
        for (ParleyClient p : invited) {
            events.get(0).expectNext(GroupMemberChanged.class, "member added",
                    e -> e.member().equals(p.peerId()) && e.change() == GroupMember.Change.ADDED);
        }
        for (ClientEvents r : events.subList(1, events.size())) {
            GroupInvited inv = r.expectNext(GroupInvited.class, "invitation", e -> e.group().equals(g.id()));
            assertThat(inv.from()).isEqualTo(founder.peerId());
            assertThat(inv.name()).isEqualTo("Family");
        }
        for (ParleyClient p : invited) p.acceptGroup(g.id());
        return g.id();
    }

    @Test
    void threeMembersShowTheSameMessagesInTheSameOrder() throws Exception {
        net = new TestNetwork(dir);
        ClientEvents ra = new ClientEvents("alice").ignoringConnectivity(),
                rb = new ClientEvents("bob").ignoringConnectivity(),
                rc = new ClientEvents("carol").ignoringConnectivity();
        // Whether an invitee hears Carol's add as a change or inside its invitation depends on timing.
        rb.ignoring(GroupMemberChanged.class);
        rc.ignoring(GroupMemberChanged.class);
        ParleyClient a = net.client("alice", ra), b = net.client("bob", rb), c = net.client("carol", rc);
        for (ClientEvents r : List.of(ra, rb, rc)) r.expectServer(true);
        befriendAll(a, b, c);
        GroupId g = family(a, ra, b, rb, c, rc);

        // Bob and Carol cannot invite: not admins.
        assertThatThrownBy(() -> b.invite(g, List.of(a.peerId()))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("only an admin");

        GroupPost pa = a.sendToGroup(g, "from alice ✓");
        GroupPost pb = b.sendToGroup(g, "from bob");
        GroupPost pc = c.sendToGroup(g, "from carol");
        Set<GroupMessageId> all = Set.of(pa.id(), pb.id(), pc.id());
        for (ClientEvents r : List.of(ra, rb, rc)) assertThat(messages(r, 3)).isEqualTo(all);

        List<GroupPost> ha = a.groupHistory(g, null, 100);
        assertThat(ha).extracting(GroupPost::id).containsExactlyInAnyOrderElementsOf(all);
        assertThat(b.groupHistory(g, null, 100)).extracting(GroupPost::id).isEqualTo(ha.stream().map(GroupPost::id).toList());
        assertThat(c.groupHistory(g, null, 100)).extracting(GroupPost::id).isEqualTo(ha.stream().map(GroupPost::id).toList());
        assertThat(ha).filteredOn(p -> p.id().equals(pa.id())).singleElement()
                .satisfies(p -> assertThat(p.text()).isEqualTo("from alice ✓"));
        assertThat(b.members(g)).extracting(GroupMember::peer).containsExactly(a.peerId(), b.peerId(), c.peerId());
        assertThat(c.members(g)).isEqualTo(a.members(g));
        assertThat(a.groups()).singleElement().satisfies(i -> {
            assertThat(i.name()).isEqualTo("Family");
            assertThat(i.status()).isEqualTo(GroupInfo.Status.JOINED);
            assertThat(i.members()).isEqualTo(3);
        });

        // A last post closes the window: nothing else (no duplicate) reached anyone before it.
        GroupPost last = a.sendToGroup(g, "sentinel");
        for (ClientEvents r : List.of(ra, rb, rc)) {
            r.assertNothingElseUntil(GroupMessage.class, "sentinel", m -> m.post().id().equals(last.id()));
        }
        for (ClientEvents r : List.of(ra, rb, rc)) r.assertExhausted();
        // In a mesh a post may arrive twice (directly and relayed): a replay, never shown twice; nothing else is refused.
        for (ParleyClient x : List.of(a, b, c)) assertThat(x.groupRejections(g).keySet()).isSubsetOf(dev.parley.client.internal.group.Rejection.REPLAY);
    }

    @Test
    void aMemberWhoWasOfflineGetsEverythingFromAnotherMemberAfterTheAuthorLeft() throws Exception {
        net = new TestNetwork(dir);
        ClientEvents ra = new ClientEvents("alice").ignoringConnectivity(),
                rb = new ClientEvents("bob").ignoringConnectivity(),
                rc = new ClientEvents("carol").ignoringConnectivity();
        rb.ignoring(GroupMemberChanged.class);
        rc.ignoring(GroupMemberChanged.class);
        ParleyClient a = net.client("alice", ra), b = net.client("bob", rb), c = net.client("carol", rc);
        for (ClientEvents r : List.of(ra, rb, rc)) r.expectServer(true);
        befriendAll(a, b, c);
        GroupId g = family(a, ra, b, rb, c, rc);
        // Carol is in sync (she has Alice's first post), then goes offline.
        GroupPost first = a.sendToGroup(g, "before carol left");
        for (ClientEvents r : List.of(ra, rb, rc)) assertThat(messages(r, 1)).containsExactly(first.id());
        c.close();
        rc.expectNext(ClientEvents.Closed.class, "carol closed", x -> true);

        List<GroupPost> posted = List.of(a.sendToGroup(g, "one"), a.sendToGroup(g, "two"), a.sendToGroup(g, "three"));
        Set<GroupMessageId> ids = new HashSet<>(posted.stream().map(GroupPost::id).toList());
        assertThat(messages(ra, 3)).isEqualTo(ids);
        assertThat(messages(rb, 3)).isEqualTo(ids);
        // Bob has stored them all (his events follow his commits) before the author goes.
        a.close();
        ra.expectNext(ClientEvents.Closed.class, "alice closed", x -> true);

        ClientEvents rc2 = new ClientEvents("carol again").ignoringConnectivity();
        ParleyClient c2 = net.client("carol", rc2);
        rc2.expectServer(true);
        assertThat(messages(rc2, 3)).isEqualTo(ids);
        List<GroupPost> atCarol = c2.groupHistory(g, null, 100);
        assertThat(atCarol).extracting(GroupPost::id).isEqualTo(b.groupHistory(g, null, 100).stream().map(GroupPost::id).toList());
        assertThat(atCarol).extracting(GroupPost::author).containsOnly(a.peerId());
        assertThat(atCarol).extracting(GroupPost::text).containsExactly("before carol left", "one", "two", "three");

        // Bob's post reaches Carol directly; nothing else (a replayed first post) came before it.
        GroupPost fromBob = b.sendToGroup(g, "welcome back");
        rb.expectNext(GroupMessage.class, "own post", m -> m.post().id().equals(fromBob.id()));
        rc2.assertNothingElseUntil(GroupMessage.class, "bob's post", m -> m.post().id().equals(fromBob.id()));
        rb.assertExhausted();
        rc2.assertExhausted();
    }

    @Test
    void membersWhoAreNotEachOthersContactsTalkOverSessionsVerifiedAgainstTheRoster() throws Exception {
        net = new TestNetwork(dir);
        ClientEvents ra = new ClientEvents("alice").ignoringConnectivity(),
                rb = new ClientEvents("bob").ignoringConnectivity(),
                rc = new ClientEvents("carol").ignoringConnectivity();
        rb.ignoring(GroupMemberChanged.class);
        rc.ignoring(GroupMemberChanged.class);
        ParleyClient a = net.client("alice", ra), b = net.client("bob", rb), c = net.client("carol", rc);
        for (ClientEvents r : List.of(ra, rb, rc)) r.expectServer(true);
        // Alice knows both; Bob and Carol do not know each other.
        TestNetwork.befriend(a, "alice", b, "bob");
        TestNetwork.befriend(a, "alice", c, "carol");
        GroupId g = family(a, ra, b, rb, c, rc);
        GroupPost hello = a.sendToGroup(g, "meet each other");
        for (ClientEvents r : List.of(ra, rb, rc)) assertThat(messages(r, 1)).containsExactly(hello.id());
        a.close();
        ra.expectNext(ClientEvents.Closed.class, "alice closed", x -> true);

        // With Alice gone, Bob's post reaches Carol over their own session, keyed by the roster.
        GroupPost fromBob = b.sendToGroup(g, "hi carol, bob here");
        rb.expectNext(GroupMessage.class, "own post", m -> m.post().id().equals(fromBob.id()));
        GroupMessage got = rc.expectNext(GroupMessage.class, "bob's post", m -> m.post().id().equals(fromBob.id()));
        assertThat(got.post().author()).isEqualTo(b.peerId());
        assertThat(b.contact(c.peerId())).isEmpty();
        assertThat(c.contact(b.peerId())).isEmpty();
        // The session carries groups only: nothing else (no stranger refusal, no warning) happened.
        rb.assertExhausted();
        rc.assertExhausted();
    }
}
