package dev.parley.client.internal.group;

import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.group.Cutoff;
import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.GroupLimits;
import dev.parley.protocol.group.GroupMessage;
import dev.parley.protocol.group.GroupMessageId;
import dev.parley.protocol.group.RosterAction;
import dev.parley.protocol.group.RosterOp;
import dev.parley.protocol.peer.GroupSummary;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static dev.parley.client.internal.group.GroupKeys.*;
import static org.assertj.core.api.Assertions.assertThat;

/** The acceptance rules, one rejection class at a time, and convergence of what is shown. */
class GroupStateTest {
    final RosterOp create = create(ALICE);
    final GroupId g = create.group();
    final RosterOp addBob = op(ALICE, g, RosterAction.ADD, create, BOB, null);
    final RosterOp addCarol = op(ALICE, g, RosterAction.ADD, addBob, CAROL, null);

    private GroupState state(RosterOp... ops) {
        GroupState s = new GroupState(g);
        for (RosterOp op : ops) assertThat(s.offerOp(op, false).status()).isEqualTo(Roster.Status.KEPT);
        return s;
    }

    /** Three members each post in turn, composing against what they hold (a realistic causal history). */
    private List<GroupMessage> conversation(int rounds) {
        GroupState a = state(create, addBob, addCarol), b = state(create, addBob, addCarol), c = state(create, addBob, addCarol);
        List<GroupMessage> all = new ArrayList<>();
        GroupState[] members = {a, b, c};
        IdentityKeyPair[] keys = {ALICE, BOB, CAROL};
        for (int i = 0; i < rounds * 3; i++) {
            int who = i % 3;
            // Carol only sees every other round before posting: concurrent messages.
            GroupMessage m = members[who].compose(keys[who], "m" + i, T0 + i);
            all.add(m);
            for (int k = 0; k < 3; k++) {
                if (k == 2 && i % 2 == 1 && who != 2) continue;
                members[k].offer(m, false);
            }
            if (i % 2 == 0) for (GroupMessage x : all) c.offer(x, false);
        }
        return all;
    }

    @Test
    void everyArrivalOrderShowsTheSameMessagesInTheSameOrder() {
        List<GroupMessage> all = conversation(6);
        GroupState reference = state(create, addBob, addCarol);
        for (GroupMessage m : all) reference.offer(m, false);
        List<GroupMessage> expected = reference.display();
        assertThat(expected).hasSize(all.size());
        Random rnd = new Random(42);
        for (int trial = 0; trial < 30; trial++) {
            List<GroupMessage> shuffled = new ArrayList<>(all);
            Collections.shuffle(shuffled, rnd);
            GroupState s = state(create, addBob, addCarol);
            for (GroupMessage m : shuffled) assertThat(s.offer(m, false).status()).isNotEqualTo(GroupState.Status.REJECTED);
            assertThat(s.waiting()).isZero();
            assertThat(s.display()).isEqualTo(expected);
        }
        // Causal: each message is shown after its prev and deps.
        for (int i = 0; i < expected.size(); i++) {
            GroupMessage m = expected.get(i);
            List<GroupMessageId> before = expected.subList(0, i).stream().map(GroupMessage::id).toList();
            assertThat(before).containsAll(m.deps());
            if (m.prev() != null) assertThat(before).contains(m.prev());
        }
    }

    @Test
    void aMessageWaitsForItsPrevDepsAndRosterPoint() {
        GroupState author = state(create, addBob);
        GroupMessage a1 = author.compose(ALICE, "one", T0);
        author.offer(a1, false);
        GroupMessage a2 = author.compose(ALICE, "two", T0);
        GroupState s = new GroupState(g);
        assertThat(s.offer(a2, false).status()).isEqualTo(GroupState.Status.WAITING);
        assertThat(s.offer(a1, false).status()).isEqualTo(GroupState.Status.WAITING); // the roster is missing
        assertThat(s.offerOp(create, false).accepted()).isEmpty();
        GroupState.RosterChange change = s.offerOp(addBob, false);
        assertThat(change.accepted()).containsExactly(a1, a2);
        assertThat(s.display()).containsExactly(a1, a2);
        assertThat(s.waiting()).isZero();
    }

    @Test
    void badSignaturesAreRejected() {
        GroupState s = state(create, addBob);
        GroupMessage m = GroupMessage.sign(ALICE, g, 1, null, List.of(), addBob.id(), 1, T0, "real");
        GroupMessage forged = new GroupMessage(g, ALICE.publicKey(), 1, null, List.of(), addBob.id(), 1, T0, "forged", m.signature());
        GroupMessage otherGroup = GroupMessage.sign(ALICE, create(BOB).group(), 1, null, List.of(), addBob.id(), 1, T0, "x");
        assertThat(s.offer(forged, false).rejection()).isEqualTo(Rejection.BAD_SIGNATURE);
        assertThat(s.offer(otherGroup, false).rejection()).isEqualTo(Rejection.BAD_SIGNATURE);
        assertThat(s.rejected(Rejection.BAD_SIGNATURE)).isEqualTo(2);
        assertThat(s.display()).isEmpty();
    }

    @Test
    void replaysAreRejectedAndShownOnce() {
        GroupState s = state(create, addBob);
        GroupMessage m = GroupMessage.sign(BOB, g, 1, null, List.of(), addBob.id(), 1, T0, "once");
        assertThat(s.offer(m, false).accepted()).containsExactly(m);
        assertThat(s.offer(m, false).rejection()).isEqualTo(Rejection.REPLAY);
        assertThat(s.rejected(Rejection.REPLAY)).isEqualTo(1);
        assertThat(s.display()).containsExactly(m);
    }

    @Test
    void aForkKeepsTheFirstAndFlagsTheAuthor() {
        GroupState s = state(create, addBob);
        GroupMessage first = GroupMessage.sign(BOB, g, 1, null, List.of(), addBob.id(), 1, T0, "first");
        GroupMessage second = GroupMessage.sign(BOB, g, 1, null, List.of(), addBob.id(), 1, T0, "second");
        s.offer(first, false);
        assertThat(s.offer(second, false).rejection()).isEqualTo(Rejection.FORK);
        assertThat(s.flaggedAuthors()).containsExactly(BOB.publicKey());
        assertThat(s.display()).containsExactly(first);
    }

    @Test
    void oversizeBodiesAreRejected() {
        GroupState s = state(create, addBob);
        GroupMessage ok = GroupMessage.sign(BOB, g, 1, null, List.of(), addBob.id(), 1, T0, "x");
        String big = "é".repeat(GroupLimits.MAX_BODY_BYTES / 2 + 1);
        byte[] canonical = new GroupMessage(g, BOB.publicKey(), 1, null, List.of(), addBob.id(), 1, T0, big, ok.signature()).canonicalBytes();
        GroupMessage oversize = new GroupMessage(g, BOB.publicKey(), 1, null, List.of(), addBob.id(), 1, T0, big,
                Base64Url.encode(BOB.sign(canonical)));
        assertThat(s.offer(oversize, false).rejection()).isEqualTo(Rejection.OVERSIZE);
        assertThat(s.display()).isEmpty();
    }

    @Test
    void strangersAndRemovedMembersAfterTheirCutoffAreRejected() {
        GroupState s = state(create, addBob);
        assertThat(s.offer(GroupMessage.sign(STRANGER, g, 1, null, List.of(), addBob.id(), 1, T0, "hi"), false).rejection())
                .isEqualTo(Rejection.NOT_MEMBER);
        // Carol was never added at the point she names (only after): not a member there.
        GroupState withCarol = state(create, addBob, addCarol);
        assertThat(withCarol.offer(GroupMessage.sign(CAROL, g, 1, null, List.of(), addBob.id(), 1, T0, "early"), false).rejection())
                .isEqualTo(Rejection.NOT_MEMBER);

        GroupMessage b1 = GroupMessage.sign(BOB, g, 1, null, List.of(), addBob.id(), 1, T0, "before");
        GroupMessage b2 = GroupMessage.sign(BOB, g, 2, b1.id(), List.of(), addBob.id(), 2, T0, "after, on the old roster");
        s.offer(b1, false);
        RosterOp remove = op(ALICE, g, RosterAction.REMOVE, addBob, BOB, new Cutoff(1, b1.id()));
        s.offerOp(remove, false);
        GroupMessage b3 = GroupMessage.sign(BOB, g, 2, b1.id(), List.of(), remove.id(), 2, T0, "after, on the new roster");
        assertThat(s.offer(b2, false).rejection()).isEqualTo(Rejection.AFTER_CUTOFF);
        assertThat(s.offer(b3, false).rejection()).isEqualTo(Rejection.NOT_MEMBER);
        assertThat(s.display()).containsExactly(b1);
        assertThat(s.rejected(Rejection.NOT_MEMBER)).isEqualTo(2);
        assertThat(s.rejected(Rejection.AFTER_CUTOFF)).isEqualTo(1);
    }

    @Test
    void aLateRemovalHidesWhatWasPostedAfterTheCutoff() {
        GroupState s = state(create, addBob);
        GroupMessage b1 = GroupMessage.sign(BOB, g, 1, null, List.of(), addBob.id(), 1, T0, "before");
        GroupMessage b2 = GroupMessage.sign(BOB, g, 2, b1.id(), List.of(), addBob.id(), 2, T0, "after");
        s.offer(b1, false);
        s.offer(b2, false);
        assertThat(s.display()).containsExactly(b1, b2);
        GroupState.RosterChange c = s.offerOp(op(ALICE, g, RosterAction.REMOVE, addBob, BOB, new Cutoff(1, b1.id())), false);
        assertThat(c.hidden()).containsExactly(b2.id());
        assertThat(s.display()).containsExactly(b1);
        assertThat(s.isShown(b2.id())).isFalse();
        assertThat(s.missingFor(new GroupSummary(g, create.id(), 1, List.of()))).containsExactly(b1);
    }

    /**
     * Two admins remove Bob at once, each with the cutoff it held (1 and 2), while Bob keeps posting
     * on the old roster: whatever order the removals and his posts arrive in, every member shows the
     * same messages: the removal that sorts first is the effective one, its cutoff decides, the other
     * removal is void, and a post beyond that cutoff is never shown (hidden if it came first).
     */
    @Test
    void concurrentRemovalsAndTheRemovedMembersConcurrentPostsResolveTheSameInEveryArrivalOrder() {
        RosterOp promoteCarol = op(ALICE, g, RosterAction.PROMOTE, addCarol, CAROL, null);
        GroupMessage b1 = GroupMessage.sign(BOB, g, 1, null, List.of(), promoteCarol.id(), 1, T0, "one");
        GroupMessage b2 = GroupMessage.sign(BOB, g, 2, b1.id(), List.of(), promoteCarol.id(), 2, T0, "two");
        GroupMessage b3 = GroupMessage.sign(BOB, g, 3, b2.id(), List.of(), promoteCarol.id(), 3, T0, "three");
        RosterOp byAlice = op(ALICE, g, RosterAction.REMOVE, promoteCarol, BOB, new Cutoff(1, b1.id()));
        RosterOp byCarol = op(CAROL, g, RosterAction.REMOVE, promoteCarol, BOB, new Cutoff(2, b2.id()));
        // Same clock, both restrictive: the lower id goes first and decides the cutoff.
        boolean alicesFirst = Roster.ORDER.compare(byAlice, byCarol) < 0;
        List<GroupMessage> expected = alicesFirst ? List.of(b1) : List.of(b1, b2);

        List<Object> arrivals = List.of(byAlice, byCarol, b2, b3);
        for (List<Object> order : permutations(arrivals)) {
            GroupState s = state(create, addBob, addCarol, promoteCarol);
            assertThat(s.offer(b1, false).status()).isEqualTo(GroupState.Status.ACCEPTED);
            for (Object x : order) {
                if (x instanceof RosterOp op) s.offerOp(op, false);
                else s.offer((GroupMessage) x, false);
            }
            assertThat(s.display()).as("arrival order " + order).isEqualTo(expected);
            assertThat(s.roster().isVoid((alicesFirst ? byCarol : byAlice).id())).isTrue();
            assertThat(s.roster().isMember(BOB.publicKey())).isFalse();
            assertThat(s.waiting()).as("waiting after " + order.stream().map(o -> o instanceof RosterOp op ? op.author().equals(ALICE.publicKey()) ? "byAlice" : "byCarol" : ((GroupMessage) o).body()).toList()).isZero();
        }
    }

    @Test
    void brokenChainsAndClocksAreRejected() {
        GroupState s = state(create, addBob);
        GroupMessage a1 = GroupMessage.sign(ALICE, g, 1, null, List.of(), addBob.id(), 1, T0, "a1");
        GroupMessage b1 = GroupMessage.sign(BOB, g, 1, null, List.of(), addBob.id(), 1, T0, "b1");
        s.offer(a1, false);
        s.offer(b1, false);
        GroupMessage wrongPrev = GroupMessage.sign(BOB, g, 2, a1.id(), List.of(), addBob.id(), 2, T0, "prev is Alice's");
        assertThat(s.offer(wrongPrev, false).rejection()).isEqualTo(Rejection.BAD_CHAIN);
        GroupMessage otherPrev = GroupMessage.sign(BOB, g, 2, GroupMessageId.of(Base64Url.encode(new byte[32])), List.of(), addBob.id(), 2, T0, "x");
        assertThat(s.offer(otherPrev, false).rejection()).as("seq 1 is held with another id").isEqualTo(Rejection.BAD_CHAIN);
        GroupMessage lowClock = GroupMessage.sign(BOB, g, 2, b1.id(), List.of(a1.id()), addBob.id(), 1, T0, "clock not above deps");
        assertThat(s.offer(lowClock, false).rejection()).isEqualTo(Rejection.BAD_CLOCK);
        assertThat(s.display()).containsExactlyInAnyOrder(a1, b1);
    }

    @Test
    void waitingMessagesAreBounded() {
        GroupState s = state(create, addBob);
        GroupMessageId missing = GroupMessageId.of(Base64Url.encode(new byte[32]));
        for (int i = 0; i < GroupState.MAX_WAITING; i++) {
            GroupMessage m = GroupMessage.sign(BOB, g, 2 + i, missing, List.of(), addBob.id(), 2 + i, T0, "w" + i);
            assertThat(s.offer(m, true).status()).isEqualTo(GroupState.Status.WAITING);
        }
        GroupMessage more = GroupMessage.sign(BOB, g, 5000, missing, List.of(), addBob.id(), 5000, T0, "one too many");
        assertThat(s.offer(more, true).rejection()).isEqualTo(Rejection.OVERFLOW);
        assertThat(s.waiting()).isEqualTo(GroupState.MAX_WAITING);
    }

    @Test
    void aMemberFarBehindCatchesUpInBoundedBatches() {
        GroupState author = state(create, addBob);
        for (int i = 0; i < 1000; i++) author.offer(author.compose(ALICE, "message " + i + " " + "x".repeat(i % 300), T0 + i), false);
        GroupState behind = state(create, addBob);
        int batches = 0;
        while (true) {
            GroupSummary sum = behind.summary();
            if (!author.summary().chains().equals(sum.chains())) assertThat(author.lacksFrom(sum)).isFalse();
            List<GroupMessage> batch = author.missingFor(sum);
            if (batch.isEmpty()) break;
            assertThat(batch.size()).isLessThanOrEqualTo(GroupLimits.MAX_BATCH);
            assertThat(batch.stream().mapToLong(GroupState::encodedSize).sum()).isLessThanOrEqualTo(GroupLimits.MAX_BATCH_BYTES);
            for (GroupMessage m : batch) assertThat(behind.offer(m, false).status()).isEqualTo(GroupState.Status.ACCEPTED);
            batches++;
        }
        assertThat(behind.display()).isEqualTo(author.display()).hasSize(1000);
        assertThat(batches).isBetween(1000 / GroupLimits.MAX_BATCH, 1000);
        assertThat(behind.lacksFrom(author.summary())).isFalse();
    }

    @Test
    void relayBatchesStayWithinTheMessageLimitEvenForLargeBodies() {
        GroupState author = state(create, addBob);
        List<GroupMessage> all = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            GroupMessage m = author.compose(ALICE, (i % 2 == 0 ? "\u0001" : "ü").repeat(GroupLimits.MAX_BODY_BYTES / 2), T0 + i);
            author.offer(m, false);
            all.add(m);
        }
        List<List<GroupMessage>> batches = GroupState.batches(all);
        assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(100);
        assertThat(batches.stream().flatMap(List::stream).toList()).isEqualTo(all);
        for (List<GroupMessage> b : batches) {
            String wire = dev.parley.protocol.codec.WireCodec.standard().encodePeer(new dev.parley.protocol.peer.GroupPosts(g, b));
            assertThat(wire.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                    .isLessThanOrEqualTo(dev.parley.protocol.peer.PeerMessage.MAX_MESSAGE_BYTES);
            assertThat(b.stream().mapToLong(GroupState::encodedSize).sum() <= GroupLimits.MAX_BATCH_BYTES || b.size() == 1).isTrue();
        }
    }
}
