package dev.parley.server;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.signal.ErrorCode;
import lombok.extern.slf4j.Slf4j;

import java.time.Clock;

/**
 * The last step of every relay, whichever way it came (from a connection of this node, from another node's
 * inbox, from a park): a relay with an {@code id} that this recipient binding got already within the
 * window is dropped ({@link RetryFilter}); otherwise it is queued on the recipient's connection if the
 * recipient's budgets allow. A recipient that stopped reading is cut here. Any thread; nothing blocks.
 */
@Slf4j
final class Delivery {
    /** Verdicts of {@link #offer}; 1 + a budget index means refused with recipient_busy ({@link Metrics#BUSY_BUDGETS}). */
    static final int DELIVERED = 0, OFFLINE = -1, DROPPED = RetryFilter.DROPPED;
    /** Where a relay came from, for {@link Metrics#retryDropped}. */
    static final int SAME_NODE = 0, CROSS_NODE = 1, PARKED = 2;

    private final ServerConfig cfg;
    private final Clock clock;
    private final Metrics metrics;
    private final InboundBudget.Rates perSender;
    private final InboundBudget.Rates strangers;
    private final RetryFilter retries = new RetryFilter();

    Delivery(ServerConfig cfg, Clock clock, Metrics metrics) {
        this.cfg = cfg;
        this.clock = clock;
        this.metrics = metrics;
        double msgs = cfg.recipientMessagesPerSecond(), bytes = cfg.recipientBytesPerSecond();
        this.perSender = InboundBudget.Rates.perSecond(msgs, bytes, 4 * msgs, Math.max(4 * bytes, cfg.maxMessageBytes()));
        // Strangers together: four senders' worth, but never more than half the outbound queue.
        this.strangers = InboundBudget.Rates.perSecond(4 * msgs, 4 * bytes,
                Math.max(1, Math.min(16 * msgs, cfg.maxQueuedMessages() / 2)),
                Math.max(cfg.maxMessageBytes(), Math.min(16 * bytes, cfg.maxQueuedBytes() / 2)));
        metrics.gauge("retry_entries", () -> (int) Math.min(Integer.MAX_VALUE, retries.entries()));
    }

    /**
     * Queues {@code stamped} ({@code id}: the relay's id, null or empty if none) on the recipient's
     * connection if it is no retry and its budgets allow: {@link #DELIVERED}, {@link #OFFLINE},
     * {@link #DROPPED} (a retry: the sender needs no answer), or 1 + the budget that is spent.
     */
    int offer(Session ts, Connection tc, PeerId from, String id, String stamped, int length, int path) {
        if (tc == null || tc.closing() || !tc.isOpen()) return OFFLINE;
        if (id == null || id.isEmpty()) return admit(ts, tc, from, stamped, length);
        return counted(retries.once(ts, from, id, clock.millis(), () -> admit(ts, tc, from, stamped, length)), path);
    }

    /** A parked relay the recipient's login took with it: no budgets (it waited its turn), but once. */
    int parked(Session ts, Connection tc, PeerId from, String id, String stamped) {
        if (id == null || id.isEmpty()) return tc.deliver(stamped) ? DELIVERED : OFFLINE;
        return counted(retries.once(ts, from, id, clock.millis(), () -> tc.deliver(stamped) ? DELIVERED : OFFLINE), PARKED);
    }

    /** The sweep, now and then: forgets deliveries older than the window. */
    void prune() {
        retries.prune(clock.millis());
    }

    private int counted(int verdict, int path) {
        if (verdict == DROPPED) metrics.retryDropped(path);
        return verdict;
    }

    private int admit(Session ts, Connection tc, PeerId from, String stamped, int length) {
        long now = clock.millis();
        if (tc.backlogOver(cfg.maxQueuedMessages(), cfg.maxQueuedBytes(), cfg.maxMessageBytes())) {
            // Full: refuse the sender. Cut the recipient only once it has not drained for a while:
            // it has stopped reading. Others sending a lot never gets a reading peer closed.
            long since = tc.stalledSinceMs;
            if (since == 0) {
                tc.stalledSinceMs = Math.max(1, now);
            } else if (now - since >= cfg.slowConsumerTimeout().toMillis()) {
                dropSlowConsumer(tc);
                return OFFLINE;
            }
            return 3;
        }
        if (tc.stalledSinceMs != 0) tc.stalledSinceMs = 0;
        InboundBudget.Verdict v = ts.inbound(perSender, strangers).admit(from, ts.watch.contains(from), length, now);
        if (v != InboundBudget.Verdict.OK) return v == InboundBudget.Verdict.SENDER ? 1 : 2;
        return tc.deliver(stamped) ? DELIVERED : OFFLINE;
    }

    /** A peer that does not read gets no close handshake (it would never be read): the socket is cut. */
    private void dropSlowConsumer(Connection c) {
        synchronized (c) {
            if (c.closing()) return;
            c.closingSinceMs = Math.max(1, clock.millis());
        }
        metrics.reject("slow_consumer");
        log.atInfo().addKeyValue("ip", c.ip.getHostAddress()).log("dropping slow consumer");
        c.cut(ErrorCode.SLOW_CONSUMER.closeCode(), ErrorCode.SLOW_CONSUMER.wire());
    }
}
