package dev.parley.client.internal.swarm;

import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The scheduling order of docs/protocol.md § Swarm files, Downloading. */
class PiecePickerTest {
    static Holder holding(int... pieces) {
        Holder h = new Holder();
        for (int p : pieces) h.bits.set(p);
        return h;
    }

    @Test
    void rarestFirstThenTheRandomTieOrder() {
        Holder a = holding(0, 1, 2, 3), b = holding(0, 1, 2), c = holding(0, 1);
        Map<Integer, Set<String>> inflight = new HashMap<>();
        int[] tie = {5, 4, 3, 2};
        // Piece 3 is held by a alone: rarest.
        assertThat(PiecePicker.pick(4, new BitSet(), a, inflight, new BitSet(), tie, List.of(a, b, c))).isEqualTo(3);
        // Pieces 0 and 1 are equally common at c: the tie order decides (1 has the lower rank).
        assertThat(PiecePicker.pick(4, new BitSet(), c, inflight, new BitSet(), tie, List.of(a, b, c))).isEqualTo(1);
        // A dropped holder's pieces do not count toward rarity.
        a.dropped = true;
        b.bits.set(3);
        assertThat(PiecePicker.pick(4, new BitSet(), b, inflight, new BitSet(), new int[]{0, 0, 0, 9}, List.of(a, b, c))).isEqualTo(2);
    }

    @Test
    void startedPiecesFirstAndNothingHeldOrInFlight() {
        Holder a = holding(0, 1, 2, 3), b = holding(0, 1, 2, 3);
        Map<Integer, Set<String>> inflight = new HashMap<>();
        BitSet started = new BitSet();
        started.set(2);
        BitSet have = new BitSet();
        int[] tie = {0, 1, 2, 3};
        assertThat(PiecePicker.pick(4, have, a, inflight, started, tie, List.of(a, b))).isEqualTo(2);
        inflight.put(2, Set.of("b"));
        have.set(0);
        assertThat(PiecePicker.pick(4, have, a, inflight, started, tie, List.of(a, b))).isEqualTo(1);
    }

    @Test
    void endgameDuplicatesAPieceInFlightAtOneOtherHolderOnly() {
        Holder a = holding(0, 1), b = holding(0, 1);
        BitSet have = new BitSet();
        have.set(0);
        Map<Integer, Set<String>> inflight = new HashMap<>(Map.of(1, Set.of("b")));
        b.asked.put(1, 0L);
        assertThat(PiecePicker.pick(2, have, a, inflight, new BitSet(), new int[2], List.of(a, b))).isEqualTo(1);
        // Already at two holders: no third copy; and never twice from the same holder.
        inflight.put(1, Set.of("b", "c"));
        assertThat(PiecePicker.pick(2, have, a, inflight, new BitSet(), new int[2], List.of(a, b))).isEqualTo(-1);
        inflight.put(1, Set.of("b"));
        assertThat(PiecePicker.pick(2, have, b, inflight, new BitSet(), new int[2], List.of(a, b))).isEqualTo(-1);
    }

    @Test
    void pipelineFollowsTheMeasuredRateWithinItsBounds() {
        Holder h = new Holder();
        assertThat(h.pipeline(65536)).isEqualTo(4);
        h.rate = 40 * 1024 * 1024; // 0.5 s = 20 MiB: capped at 8 MiB of 64 KiB pieces... and 64 requests
        assertThat(h.pipeline(65536)).isEqualTo(64);
        assertThat(h.pipeline(1 << 20)).isEqualTo(8);
        h.rate = 1024 * 1024;
        assertThat(h.pipeline(65536)).isEqualTo(8);
    }
}
