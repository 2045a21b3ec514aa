package dev.parley.client.internal.swarm;

import java.util.BitSet;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * Which piece to ask a holder for next (docs/protocol.md § Swarm files, Scheduling): pieces whose
 * request was lost (their holder left or was dropped) first, then the rarest among the usable
 * holders, ties broken by a per-file random order; when nothing unrequested is left, the endgame: a
 * piece in flight at exactly one other holder is asked of this one too (the loser is cancelled).
 */
final class PiecePicker {
    private PiecePicker() {}

    /** The piece, or -1 if this holder has nothing we still want. */
    static <K> int pick(int pieces, BitSet have, Holder h, Map<Integer, Set<K>> inflight, BitSet started, int[] tie,
                        Collection<Holder> holders) {
        int best = -1;
        long bestKey = Long.MAX_VALUE;
        for (int i = h.bits.nextSetBit(0); i >= 0 && i < pieces; i = h.bits.nextSetBit(i + 1)) {
            if (have.get(i) || inflight.containsKey(i) && !inflight.get(i).isEmpty()) continue;
            int rarity = 0;
            for (Holder o : holders) if (o.usable() && o.bits.get(i)) rarity++;
            long key = ((started.get(i) ? 0L : 1L) << 40) | ((long) rarity << 20) | tie[i];
            if (key < bestKey) {
                bestKey = key;
                best = i;
            }
        }
        if (best >= 0) return best;
        // Endgame: duplicate a piece another holder is still working on.
        for (int i = h.bits.nextSetBit(0); i >= 0 && i < pieces; i = h.bits.nextSetBit(i + 1)) {
            if (have.get(i) || h.asked.containsKey(i)) continue;
            Set<K> at = inflight.get(i);
            if (at != null && at.size() == 1) return i;
        }
        return -1;
    }
}
