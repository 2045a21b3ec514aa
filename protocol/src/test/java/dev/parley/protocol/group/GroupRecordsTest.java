package dev.parley.protocol.group;

import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.IdentityKey;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.parley.protocol.group.GroupFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Signatures over group records fail for any change, and the constructors refuse malformed records. */
class GroupRecordsTest {
    static final IdentityKey CAROL = dev.parley.protocol.crypto.IdentityKeyPair.fromSeed(new byte[32]).publicKey();

    /** The same operation with one field changed but the original signature. */
    static List<RosterOp> tamperedOps(RosterOp o) {
        List<RosterOp> out = new ArrayList<>();
        out.add(new RosterOp(o.group(), RosterAction.PROMOTE, o.author(), o.prev(), o.lamport(), o.timeMs(), o.member(), null, null, null, o.signature()));
        out.add(new RosterOp(o.group(), o.action(), BOB.publicKey().equals(o.member()) ? CAROL : BOB.publicKey(), o.prev(), o.lamport(), o.timeMs(), o.member(), o.name(), null, o.cutoff(), o.signature()));
        out.add(new RosterOp(o.group(), o.action(), o.author(), CREATE.id().equals(o.prev()) ? ADD_BOB.id() : CREATE.id(), o.lamport(), o.timeMs(), o.member(), o.name(), null, o.cutoff(), o.signature()));
        out.add(new RosterOp(o.group(), o.action(), o.author(), o.prev(), o.lamport() + 1, o.timeMs(), o.member(), o.name(), null, o.cutoff(), o.signature()));
        out.add(new RosterOp(o.group(), o.action(), o.author(), o.prev(), o.lamport(), o.timeMs() + 1, o.member(), o.name(), null, o.cutoff(), o.signature()));
        out.add(new RosterOp(o.group(), o.action(), o.author(), o.prev(), o.lamport(), o.timeMs(), CAROL, o.name(), null, o.cutoff(), o.signature()));
        out.add(new RosterOp(GroupId.derive(BOB.publicKey(), SALT), o.action(), o.author(), o.prev(), o.lamport(), o.timeMs(), o.member(), o.name(), null, o.cutoff(), o.signature()));
        return out;
    }

    @Test
    void anyChangeToARosterOperationBreaksItsSignature() {
        for (RosterOp t : tamperedOps(ADD_BOB)) {
            assertThat(t.verify()).as(t.toString()).isFalse();
            assertThat(t.id()).isNotEqualTo(ADD_BOB.id());
        }
        RosterOp renamed = new RosterOp(GROUP, RosterAction.ADD, ALICE.publicKey(), CREATE.id(), 2, T0 + 1, BOB.publicKey(), "Bobby", null, null, ADD_BOB.signature());
        assertThat(renamed.verify()).isFalse();
        RosterOp otherCutoff = new RosterOp(GROUP, RosterAction.REMOVE, ALICE.publicKey(), ADD_BOB.id(), 3, T0 + 5, BOB.publicKey(), null, null, Cutoff.NONE, REMOVE_BOB.signature());
        assertThat(otherCutoff.verify()).isFalse();
        RosterOp byBob = new RosterOp(GROUP, RosterAction.ADD, BOB.publicKey(), CREATE.id(), 2, T0 + 1, CAROL, "Bob", null, null,
                Base64Url.encode(BOB.sign(ADD_BOB.canonicalBytes())));
        assertThat(byBob.verify()).as("a signature by someone else over the original bytes").isFalse();
    }

    @Test
    void anyChangeToAGroupMessageBreaksItsSignature() {
        GroupMessage m = ALICE_2;
        List<GroupMessage> tampered = List.of(
                new GroupMessage(m.group(), BOB.publicKey(), m.seq(), m.prev(), m.deps(), m.roster(), m.lamport(), m.timeMs(), m.body(), m.signature()),
                new GroupMessage(m.group(), m.author(), m.seq() + 1, m.prev(), m.deps(), m.roster(), m.lamport(), m.timeMs(), m.body(), m.signature()),
                new GroupMessage(m.group(), m.author(), m.seq(), BOB_1.id(), List.of(ALICE_1.id()), m.roster(), m.lamport(), m.timeMs(), m.body(), m.signature()),
                new GroupMessage(m.group(), m.author(), m.seq(), m.prev(), List.of(), m.roster(), m.lamport(), m.timeMs(), m.body(), m.signature()),
                new GroupMessage(m.group(), m.author(), m.seq(), m.prev(), m.deps(), CREATE.id(), m.lamport(), m.timeMs(), m.body(), m.signature()),
                new GroupMessage(m.group(), m.author(), m.seq(), m.prev(), m.deps(), m.roster(), m.lamport() + 1, m.timeMs(), m.body(), m.signature()),
                new GroupMessage(m.group(), m.author(), m.seq(), m.prev(), m.deps(), m.roster(), m.lamport(), m.timeMs() + 1, m.body(), m.signature()),
                new GroupMessage(m.group(), m.author(), m.seq(), m.prev(), m.deps(), m.roster(), m.lamport(), m.timeMs(), m.body() + " ", m.signature()),
                new GroupMessage(GroupId.derive(BOB.publicKey(), SALT), m.author(), m.seq(), m.prev(), m.deps(), m.roster(), m.lamport(), m.timeMs(), m.body(), m.signature()));
        for (GroupMessage t : tampered) {
            assertThat(t.verify()).as(t.toString()).isFalse();
            assertThat(t.id()).isNotEqualTo(m.id());
        }
        String flipped = Base64Url.encode(flip(Base64Url.decode("s", m.signature())));
        assertThat(new GroupMessage(m.group(), m.author(), m.seq(), m.prev(), m.deps(), m.roster(), m.lamport(), m.timeMs(), m.body(), flipped).verify()).isFalse();
    }

    private static byte[] flip(byte[] b) {
        b[10] ^= 1;
        return b;
    }

    @Test
    void fieldsCannotSlideIntoEachOther() {
        // The same characters split differently between name fields must sign differently: the length prefixes.
        RosterOp a = RosterOp.create(ALICE, "ab", SALT, T0);
        RosterOp b = RosterOp.create(ALICE, "a", SALT, T0);
        assertThat(a.canonicalBytes()).isNotEqualTo(b.canonicalBytes());
        GroupMessage empty = GroupMessage.sign(ALICE, GROUP, 1, null, List.of(), CREATE.id(), 1, T0, "");
        assertThat(empty.verify()).isTrue();
        assertThat(empty.id()).isNotEqualTo(GroupMessage.sign(ALICE, GROUP, 1, null, List.of(), CREATE.id(), 1, T0, " ").id());
    }

    @Test
    void depsAreSignedInOneOrder() {
        GroupMessage x = GroupMessage.sign(ALICE, GROUP, 2, ALICE_1.id(), List.of(BOB_1.id(), REMOVE_BOB_MSG()), CREATE.id(), 3, T0, "x");
        GroupMessage y = GroupMessage.sign(ALICE, GROUP, 2, ALICE_1.id(), List.of(REMOVE_BOB_MSG(), BOB_1.id()), CREATE.id(), 3, T0, "x");
        assertThat(x).isEqualTo(y);
        List<GroupMessageId> reversed = new ArrayList<>(x.deps());
        java.util.Collections.reverse(reversed);
        assertThatThrownBy(() -> new GroupMessage(GROUP, ALICE.publicKey(), 2, ALICE_1.id(), reversed, CREATE.id(), 3, T0, "x", x.signature()))
                .hasMessageContaining("ascending");
    }

    private static GroupMessageId REMOVE_BOB_MSG() {
        return GroupMessageId.ofCanonical(REMOVE_BOB.canonicalBytes());
    }

    @Test
    void malformedRecordsAreRefused() {
        String sig = CREATE.signature();
        assertThatThrownBy(() -> new RosterOp(GroupId.derive(BOB.publicKey(), SALT), RosterAction.CREATE, ALICE.publicKey(), null, 1, T0, null, "x", Base64Url.encode(SALT), null, sig))
                .hasMessageContaining("not derived");
        assertThatThrownBy(() -> new RosterOp(GROUP, RosterAction.CREATE, ALICE.publicKey(), CREATE.id(), 1, T0, null, "x", Base64Url.encode(SALT), null, sig))
                .hasMessageContaining("no 'prev'");
        assertThatThrownBy(() -> new RosterOp(GROUP, RosterAction.ADD, ALICE.publicKey(), CREATE.id(), 2, T0, null, null, null, null, sig))
                .hasMessageContaining("'member' is required");
        assertThatThrownBy(() -> new RosterOp(GROUP, RosterAction.ADD, ALICE.publicKey(), CREATE.id(), 2, T0, ALICE.publicKey(), null, null, null, sig))
                .hasMessageContaining("themselves");
        assertThatThrownBy(() -> new RosterOp(GROUP, RosterAction.REMOVE, ALICE.publicKey(), CREATE.id(), 2, T0, BOB.publicKey(), null, null, null, sig))
                .hasMessageContaining("'cutoff' is required");
        assertThatThrownBy(() -> new RosterOp(GROUP, RosterAction.ADD, ALICE.publicKey(), CREATE.id(), 2, T0, BOB.publicKey(), null, null, Cutoff.NONE, sig))
                .hasMessageContaining("only a remove or leave");
        assertThatThrownBy(() -> new RosterOp(GROUP, RosterAction.RENAME, ALICE.publicKey(), CREATE.id(), 2, T0, null, null, null, null, sig))
                .hasMessageContaining("'name' is required");
        assertThatThrownBy(() -> new RosterOp(GROUP, RosterAction.ADD, ALICE.publicKey(), CREATE.id(), 2, T0, BOB.publicKey(), null, null, null, "AAAA"))
                .hasMessageContaining("signature");
        assertThatThrownBy(() -> new Cutoff(2, null)).hasMessageContaining("'last'");
        assertThatThrownBy(() -> RosterOp.create(ALICE, "bad\u0000name", SALT, T0)).hasMessageContaining("control characters");
        assertThatThrownBy(() -> RosterOp.create(ALICE, "x".repeat(GroupLimits.MAX_NAME_BYTES + 1), SALT, T0)).hasMessageContaining("'name'");
        String msig = ALICE_1.signature();
        assertThatThrownBy(() -> new GroupMessage(GROUP, ALICE.publicKey(), 2, null, List.of(), CREATE.id(), 1, T0, "x", msig))
                .hasMessageContaining("'prev'");
        assertThatThrownBy(() -> GroupMessage.sign(ALICE, GROUP, 1, null, List.of(), CREATE.id(), 1, T0,
                "x".repeat(GroupLimits.MAX_BODY_BYTES + 1))).hasMessageContaining("'body' over");
        assertThat(new GroupMessage(GROUP, ALICE.publicKey(), 1, null, List.of(), CREATE.id(), 1, T0,
                "x".repeat(GroupLimits.MAX_BODY_BYTES + 1), msig).oversize()).as("decodes, for the receiver to count").isTrue();
        assertThat(ALICE_1.oversize()).isFalse();
        assertThatThrownBy(() -> new GroupMessage(GROUP, ALICE.publicKey(), 2, ALICE_1.id(), List.of(ALICE_1.id()), CREATE.id(), 1, T0, "x", msig))
                .hasMessageContaining("repeat 'prev'");
        assertThatThrownBy(() -> GroupId.of("short")).isInstanceOf(IllegalArgumentException.class);
    }
}
