package dev.parley.client.internal.group;

import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.IdentityKey;
import dev.parley.protocol.group.Cutoff;
import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.GroupLimits;
import dev.parley.protocol.group.RosterAction;
import dev.parley.protocol.group.RosterOp;
import dev.parley.protocol.group.RosterOpId;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static dev.parley.client.internal.group.GroupKeys.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RosterTest {
    final RosterOp create = create(ALICE);
    final GroupId g = create.group();

    private Roster roster(List<RosterOp> ops) {
        Roster r = new Roster(g);
        for (RosterOp op : ops) r.offer(op, false);
        return r;
    }

    /** What two rosters must agree on: the order, what is void, members and their rights, the name. */
    private static List<Object> view(Roster r) {
        List<Object> v = new ArrayList<>();
        v.add(r.ordered().stream().map(RosterOp::id).toList());
        v.add(r.ordered().stream().map(op -> r.isVoid(op.id())).toList());
        v.add(r.members());
        v.add(r.name());
        v.add(r.head());
        return v;
    }

    @Test
    void theCreatorIsTheFirstAdminAndAddsMembers() {
        Roster r = roster(List.of(create));
        RosterOp add = r.next(ALICE, RosterAction.ADD, BOB.publicKey(), "Bob", null, T0 + 1);
        assertThat(r.offer(add, false).status()).isEqualTo(Roster.Status.KEPT);
        assertThat(r.members()).extracting(Roster.Member::key).containsExactly(ALICE.publicKey(), BOB.publicKey());
        assertThat(r.isAdmin(ALICE.publicKey())).isTrue();
        assertThat(r.isAdmin(BOB.publicKey())).isFalse();
        assertThat(r.member(BOB.publicKey()).orElseThrow().name()).isEqualTo("Bob");
        assertThat(r.head()).isEqualTo(add.id());
        assertThat(r.name()).isEqualTo("Family");
        assertThatThrownBy(() -> r.next(BOB, RosterAction.ADD, CAROL.publicKey(), null, null, T0))
                .isInstanceOf(GroupRefusedException.class).hasMessageContaining("only an admin");
    }

    @Test
    void theSeventeenthMemberIsRefusedAndAForgedAddIsVoid() {
        Roster r = roster(List.of(create));
        for (int i = 0; i < GroupLimits.MAX_MEMBERS - 1; i++) {
            assertThat(r.offer(r.next(ALICE, RosterAction.ADD, key(10 + i).publicKey(), null, null, T0 + i), false).status())
                    .isEqualTo(Roster.Status.KEPT);
        }
        assertThat(r.members()).hasSize(16);
        IdentityKey seventeenth = key(50).publicKey();
        assertThat(r.whyNot(ALICE.publicKey(), RosterAction.ADD, seventeenth)).isEqualTo("the group is full: at most 16 members");
        assertThatThrownBy(() -> r.next(ALICE, RosterAction.ADD, seventeenth, null, null, T0))
                .isInstanceOf(GroupRefusedException.class).hasMessage("the group is full: at most 16 members");
        // Another client signs it anyway: every member keeps it as void.
        RosterOp forced = RosterOp.sign(ALICE, g, RosterAction.ADD, r.head(), r.maxLamport() + 1, T0, seventeenth, null, null, null);
        assertThat(r.offer(forced, false).status()).isEqualTo(Roster.Status.KEPT);
        assertThat(r.isVoid(forced.id())).isTrue();
        assertThat(r.members()).hasSize(16);
        assertThat(r.isMember(seventeenth)).isFalse();
    }

    @Test
    void operationsThatCannotBeKeptAreRefusedAndOutOfOrderOnesWait() {
        RosterOp add = op(ALICE, g, RosterAction.ADD, create, BOB, null);
        RosterOp promote = op(ALICE, g, RosterAction.PROMOTE, add, BOB, null);
        Roster r = new Roster(g);
        assertThat(r.offer(promote, false).status()).isEqualTo(Roster.Status.WAITING);
        assertThat(r.offer(add, false).status()).isEqualTo(Roster.Status.WAITING);
        Roster.Outcome o = r.offer(create, false);
        assertThat(o.status()).isEqualTo(Roster.Status.KEPT);
        assertThat(o.kept()).containsExactly(create, add, promote);
        assertThat(r.isAdmin(BOB.publicKey())).isTrue();
        assertThat(r.offer(add, false).status()).isEqualTo(Roster.Status.DUPLICATE);

        RosterOp tampered = new RosterOp(g, RosterAction.ADD, ALICE.publicKey(), promote.id(), 4, T0, CAROL.publicKey(), null, null, null, add.signature());
        assertThat(r.offer(tampered, false)).extracting(Roster.Outcome::status, Roster.Outcome::reason)
                .containsExactly(Roster.Status.REFUSED, "bad signature");
        RosterOp secondRoot = RosterOp.create(ALICE, "Other", new byte[16], T0 + 9);
        assertThat(r.offer(secondRoot, false).reason()).isEqualTo("a second create");
        RosterOp otherGroup = RosterOp.create(BOB, "x", new byte[16], T0);
        assertThat(r.offer(otherGroup, false).reason()).isEqualTo("operation of another group");
        RosterOp clockBack = op(ALICE, g, RosterAction.RENAME, promote.id(), promote.lamport(), null, null);
        assertThat(r.offer(clockBack, false).reason()).isEqualTo("lamport not above its prev's");
        assertThat(r.ordered()).containsExactly(create, add, promote);
    }

    @Test
    void twoAdminsRemovingEachOtherResolveTheSameWayInEveryArrivalOrder() {
        RosterOp addBob = op(ALICE, g, RosterAction.ADD, create, BOB, null);
        RosterOp promoteBob = op(ALICE, g, RosterAction.PROMOTE, addBob, BOB, null);
        RosterOp addCarol = op(BOB, g, RosterAction.ADD, promoteBob, CAROL, null);
        // Concurrent, on the same head: Alice removes Bob, Bob removes Alice, Carol's add happened before.
        RosterOp aliceRemovesBob = op(ALICE, g, RosterAction.REMOVE, addCarol, BOB, Cutoff.NONE);
        RosterOp bobRemovesAlice = op(BOB, g, RosterAction.REMOVE, addCarol, ALICE, Cutoff.NONE);
        List<RosterOp> all = List.of(create, addBob, promoteBob, addCarol, aliceRemovesBob, bobRemovesAlice);
        List<Object> first = null;
        for (List<RosterOp> order : permutations(all)) {
            Roster r = roster(order);
            assertThat(r.size()).isEqualTo(6);
            if (first == null) first = view(r);
            assertThat(view(r)).as("arrival order " + order.stream().map(op -> op.action().wire()).toList()).isEqualTo(first);
        }
        Roster r = roster(all);
        // The removal with the lower id goes first; the other admin, removed, removes nobody.
        RosterOp winner = Roster.ORDER.compare(aliceRemovesBob, bobRemovesAlice) < 0 ? aliceRemovesBob : bobRemovesAlice;
        RosterOp loser = winner == aliceRemovesBob ? bobRemovesAlice : aliceRemovesBob;
        assertThat(r.isVoid(winner.id())).isFalse();
        assertThat(r.isVoid(loser.id())).isTrue();
        assertThat(r.members()).hasSize(2).extracting(Roster.Member::key).contains(CAROL.publicKey());
    }

    @Test
    void aDemotionWinsOverTheDemotedAdminsConcurrentAdd() {
        RosterOp addBob = op(ALICE, g, RosterAction.ADD, create, BOB, null);
        RosterOp promoteBob = op(ALICE, g, RosterAction.PROMOTE, addBob, BOB, null);
        RosterOp demote = op(ALICE, g, RosterAction.DEMOTE, promoteBob, BOB, null);
        RosterOp bobAddsCarol = op(BOB, g, RosterAction.ADD, promoteBob, CAROL, null);
        RosterOp bobRenames = RosterOp.sign(BOB, g, RosterAction.RENAME, promoteBob.id(), promoteBob.lamport() + 1, T0, null, "Bob's", null, null);
        List<RosterOp> all = List.of(create, addBob, promoteBob, demote, bobAddsCarol, bobRenames);
        List<Object> first = null;
        for (List<RosterOp> order : permutations(all)) {
            Roster r = roster(order);
            if (first == null) first = view(r);
            assertThat(view(r)).isEqualTo(first);
            assertThat(r.isMember(CAROL.publicKey())).isFalse();
            assertThat(r.name()).isEqualTo("Family");
            assertThat(r.isVoid(bobAddsCarol.id())).isTrue();
            assertThat(r.isVoid(bobRenames.id())).isTrue();
        }
    }

    @Test
    void theLastAdminCannotBeDemotedAndALeaveEndsTheMembership() {
        RosterOp addBob = op(ALICE, g, RosterAction.ADD, create, BOB, null);
        RosterOp demoteSelf = op(ALICE, g, RosterAction.DEMOTE, addBob, ALICE, null);
        Roster r = roster(List.of(create, addBob, demoteSelf));
        assertThat(r.isVoid(demoteSelf.id())).isTrue();
        assertThat(r.isAdmin(ALICE.publicKey())).isTrue();
        assertThat(r.whyNot(ALICE.publicKey(), RosterAction.DEMOTE, ALICE.publicKey())).contains("last admin");

        RosterOp leave = RosterOp.sign(BOB, g, RosterAction.LEAVE, demoteSelf.id(), demoteSelf.lamport() + 1, T0, null, null, null, Cutoff.NONE);
        assertThat(r.offer(leave, false).status()).isEqualTo(Roster.Status.KEPT);
        assertThat(r.isMember(BOB.publicKey())).isFalse();
        assertThat(r.everAdded(BOB.publicKey())).isTrue();
        assertThat(r.memberAt(BOB.publicKey(), addBob.id())).isTrue();
        assertThat(r.memberAt(BOB.publicKey(), leave.id())).isFalse();
        assertThat(r.cutoffAfter(BOB.publicKey(), addBob.id())).contains(Cutoff.NONE);
        assertThat(r.cutoffAfter(BOB.publicKey(), leave.id())).isEmpty();
    }

    @Test
    void waitingOperationsAreBounded() {
        Roster r = roster(List.of(create));
        RosterOpId nowhere = RosterOpId.of(Base64Url.encode(new byte[32]));
        List<Roster.Status> statuses = IntStream.range(0, Roster.MAX_WAITING + 1)
                .mapToObj(i -> r.offer(op(ALICE, g, RosterAction.RENAME, nowhere, 5 + i, null, null) , false).status()).toList();
        assertThat(statuses.subList(0, Roster.MAX_WAITING)).containsOnly(Roster.Status.WAITING);
        assertThat(statuses.get(Roster.MAX_WAITING)).isEqualTo(Roster.Status.REFUSED);
    }
}
