package dev.parley.client.internal.store;

import dev.parley.client.internal.group.GroupState;
import dev.parley.client.internal.store.event.GroupMessageAdded;
import dev.parley.client.internal.store.event.GroupMessageDelivered;
import dev.parley.client.internal.store.event.GroupMessageRead;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.GroupMessage;
import dev.parley.protocol.group.GroupMessageId;
import dev.parley.protocol.group.RosterAction;
import dev.parley.protocol.group.RosterOp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Schema 5 on a real SQLite file: read marks move forward only, a mark for a message not here yet
 * counts once it is, "read by" leaves out the author and this member, and deliveries of our own posts
 * (by ack or by a summary's chain) are announced once per member.
 */
class GroupReceiptStoreTest {
    @TempDir
    Path dir;
    StoreFixture f;

    @AfterEach
    void close() {
        if (f != null) f.close();
    }

    @Test
    void readMarksMoveForwardAndDeliveriesOfOurOwnPostsAreAnnouncedOnce() {
        f = new StoreFixture(dir);
        IdentityKeyPair me = f.me, bob = IdentityKeyPair.generate(), carol = IdentityKeyPair.generate();
        PeerId b = bob.publicKey().peerId(), c = carol.publicKey().peerId();
        RosterOp create = RosterOp.create(me, "Family", new byte[16], 1_700_000_000_000L);
        GroupId g = create.group();
        GroupState live = new GroupState(g);
        live.offerOp(create, true);
        live.offerOp(live.roster().next(me, RosterAction.ADD, bob.publicKey(), "Bob", null, 1_700_000_000_001L), true);
        live.offerOp(live.roster().next(me, RosterAction.ADD, carol.publicKey(), "Carol", null, 1_700_000_000_002L), true);
        GroupStore groups = f.store.groups();
        GroupReceiptStore reads = f.store.groupReceipts();
        groups.addGroup(g, "Family", GroupStore.Status.JOINED, null, List.of(create));
        // Display order m1 < m2 < m3 < m4 (each composed after the one before: a higher Lamport clock).
        GroupMessage m1 = post(live, me, "one"), m2 = post(live, bob, "two"), m3 = post(live, me, "three");
        groups.addMessages(g, List.of(m1, m2, m3), false);
        GroupMessage m4 = live.compose(carol, "four", 4L); // composed, not stored here yet
        for (int i = 0; i < 3; i++) f.events.expectNext(GroupMessageAdded.class, "stored " + (i + 1), e -> true);

        assertThat(reads.advance(g, b, m2.id(), true)).isTrue();
        assertThat(f.events.next()).isEqualTo(new GroupMessageRead(g, b, m2.id()));
        assertThat(reads.advance(g, b, m2.id(), true)).as("the same mark").isFalse();
        assertThat(reads.advance(g, b, m1.id(), true)).as("backwards").isFalse();
        assertThat(reads.readBy(m1.id())).containsExactly(b);
        assertThat(reads.readBy(m2.id())).as("never its author").isEmpty();
        assertThat(reads.readBy(m3.id())).isEmpty();

        // Carol read up to a message not here yet: kept, counted once it is stored.
        assertThat(reads.advance(g, c, m4.id(), true)).isTrue();
        assertThat(f.events.next()).isEqualTo(new GroupMessageRead(g, c, m4.id()));
        assertThat(reads.readBy(m3.id())).isEmpty();
        groups.addMessages(g, List.of(m4), false);
        f.events.expectNext(GroupMessageAdded.class, "m4 stored", e -> true);
        assertThat(reads.readBy(m3.id())).containsExactly(c);
        assertThat(reads.readBy(m1.id())).containsExactlyInAnyOrder(b, c);
        // Our own mark is kept (and sent on every session open) but is never "read by" for us.
        assertThat(reads.advance(g, me.publicKey().peerId(), m4.id(), false)).isTrue();
        assertThat(reads.mark(g, me.publicKey().peerId())).contains(m4.id());
        assertThat(reads.groupsWithMark(me.publicKey().peerId())).containsExactly(g);
        assertThat(reads.readBy(m2.id())).containsExactly(c);
        assertThat(reads.latestShown(g)).contains(m4.id());
        assertThat(reads.holds(g, m4.id())).isTrue();
        assertThat(reads.holds(g, GroupMessageId.of("A".repeat(43)))).isFalse();

        // Deliveries: an ack of ours is announced, an ack of Bob's post is not; a summary's chain covers the rest once.
        assertThat(groups.delivered(c, List.of(m1.id(), m2.id()))).containsExactly(m1.id(), m2.id());
        assertThat(f.events.next()).isEqualTo(new GroupMessageDelivered(g, m1.id(), c));
        assertThat(groups.deliveredThrough(g, c, m3.seq())).containsExactly(m3.id());
        assertThat(f.events.next()).isEqualTo(new GroupMessageDelivered(g, m3.id(), c));
        assertThat(groups.deliveredThrough(g, c, m3.seq())).isEmpty();
        assertThat(groups.delivered(c, List.of(m3.id()))).isEmpty();

        f.restart();
        assertThat(f.store.groupReceipts().readBy(m1.id())).containsExactlyInAnyOrder(b, c);
        f.events.assertExhausted();
    }

    private static GroupMessage post(GroupState live, IdentityKeyPair who, String text) {
        GroupMessage m = live.compose(who, text, 1_700_000_000_100L);
        assertThat(live.offer(m, false).status()).isEqualTo(GroupState.Status.ACCEPTED);
        return m;
    }
}
