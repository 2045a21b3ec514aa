package dev.parley.client.internal.group;

import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.group.Cutoff;
import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.RosterAction;
import dev.parley.protocol.group.RosterOp;
import dev.parley.protocol.group.RosterOpId;

import java.util.ArrayList;
import java.util.List;

/** Deterministic keys and hand-made roster operations for the roster and message tests. */
final class GroupKeys {
    static final long T0 = 1_700_000_000_000L;

    static IdentityKeyPair key(int n) {
        byte[] seed = new byte[32];
        seed[0] = (byte) n;
        seed[1] = 0x5a;
        return IdentityKeyPair.fromSeed(seed);
    }

    static final IdentityKeyPair ALICE = key(1), BOB = key(2), CAROL = key(3), DAVE = key(4), STRANGER = key(99);

    static RosterOp create(IdentityKeyPair by) {
        return RosterOp.create(by, "Family", new byte[16], T0);
    }

    /** An operation on a given prev and clock, whatever the author's rights (receivers judge those). */
    static RosterOp op(IdentityKeyPair by, GroupId g, RosterAction a, RosterOp prev, IdentityKeyPair member, Cutoff cutoff) {
        return RosterOp.sign(by, g, a, prev.id(), prev.lamport() + 1, T0 + prev.lamport(), member == null ? null : member.publicKey(),
                a == RosterAction.RENAME ? "Renamed" : null, null, cutoff);
    }

    static RosterOp op(IdentityKeyPair by, GroupId g, RosterAction a, RosterOpId prev, long lamport, IdentityKeyPair member, Cutoff cutoff) {
        return RosterOp.sign(by, g, a, prev, lamport, T0 + lamport, member == null ? null : member.publicKey(),
                a == RosterAction.RENAME ? "Renamed " + lamport : null, null, cutoff);
    }

    /** Every order of {@code items} (small lists only). */
    static <T> List<List<T>> permutations(List<T> items) {
        List<List<T>> out = new ArrayList<>();
        permute(new ArrayList<>(items), 0, out);
        return out;
    }

    private static <T> void permute(List<T> a, int k, List<List<T>> out) {
        if (k == a.size()) {
            out.add(List.copyOf(a));
            return;
        }
        for (int i = k; i < a.size(); i++) {
            java.util.Collections.swap(a, k, i);
            permute(a, k + 1, out);
            java.util.Collections.swap(a, k, i);
        }
    }

    private GroupKeys() {}
}
