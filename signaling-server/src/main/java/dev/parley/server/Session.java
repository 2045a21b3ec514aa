package dev.parley.server;

import dev.parley.protocol.PeerId;

import java.util.Set;

/**
 * A logged-in identity's binding: which connection currently speaks for it and whom it watches. It
 * outlives a dropped socket by the resume grace. Mutated only under {@link Registry}'s lock; the
 * relay path reads {@link #conn} without it.
 */
final class Session {
    final PeerId id;
    /** {@code "from":"<id>",} ready to splice into relayed messages. */
    final String fromPrefix;
    volatile Connection conn;
    volatile Set<PeerId> watch = Set.of();
    /** Cluster fencing epoch of this binding (0: single node). Set at login, under the lock. */
    volatile long epoch;
    /** While held for resumption: when the hold ends (0: live). */
    long graceUntilMs;
    /** What others may still send to this identity; made on the first relay to it. */
    private volatile InboundBudget inbound;
    /** The relays with an id delivered to it lately ({@link RetryFilter}); made on the first one. */
    private volatile RetryFilter.Recent recent;

    Session(PeerId id) {
        this.id = id;
        this.fromPrefix = "\"from\":\"" + id.value() + "\",";
    }

    InboundBudget inbound(InboundBudget.Rates perSender, InboundBudget.Rates strangers) {
        InboundBudget b = inbound;
        if (b == null) {
            synchronized (this) {
                b = inbound;
                if (b == null) inbound = b = new InboundBudget(perSender, strangers);
            }
        }
        return b;
    }

    RetryFilter.Recent recent(RetryFilter filter) {
        RetryFilter.Recent r = recent;
        if (r == null) {
            synchronized (this) {
                r = recent;
                if (r == null) recent = r = filter.store();
            }
        }
        return r;
    }
}
