package dev.parley.client.internal.swarm;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/** What a downloader knows of one remote member for one file (worker thread only). */
final class Holder {
    /** Pieces it announced (bitfield, then haves). */
    final BitSet bits = new BitSet();
    /** Pieces asked of it → when (ms), for its measured rate. */
    final Map<Integer, Long> asked = new HashMap<>();
    /** Pieces arriving from it: bytes so far (frames come in order). */
    final Map<Integer, byte[]> buffers = new HashMap<>();
    final Map<Integer, Integer> filled = new HashMap<>();
    /** Whether its "holds it all" was told to the app. */
    boolean heldTold;
    /** Sent data that failed verification: nothing more is asked or taken. */
    boolean dropped;
    /** Refused to serve us this file. */
    boolean refused;
    /** Said busy: not asked before this time (ms). */
    long restUntil;
    /** Verified bytes it delivered; its measured rate (bytes/s, smoothed). */
    long bytes;
    double rate;
    long lastDelivery;

    boolean usable() {
        return !dropped && !refused;
    }

    /** Requests to keep outstanding: about 0.5 s of its measured rate, at least 4, at most 64 pieces and 8 MiB. */
    int pipeline(int pieceSize) {
        int n = (int) Math.ceil(rate * 0.5 / pieceSize);
        int max = Math.min(dev.parley.protocol.swarm.SwarmLimits.MAX_REQUESTS_PER_HOLDER,
                dev.parley.protocol.swarm.SwarmLimits.MAX_BYTES_IN_FLIGHT_PER_HOLDER / pieceSize);
        return Math.max(Math.min(4, max), Math.min(max, n));
    }

    /** A verified piece from it: its rate is the smoothed rate between deliveries (what the wire gives, not the queueing). */
    void delivered(int length, long askedAt, long now) {
        bytes += length;
        long since = lastDelivery == 0 ? now - askedAt : now - lastDelivery;
        lastDelivery = now;
        double r = length * 1000.0 / Math.max(1, since);
        rate = rate == 0 ? r : 0.8 * rate + 0.2 * r;
    }

    void forget(int piece) {
        asked.remove(piece);
        buffers.remove(piece);
        filled.remove(piece);
    }
}
