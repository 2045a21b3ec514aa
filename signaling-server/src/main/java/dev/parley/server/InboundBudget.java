package dev.parley.server;

import dev.parley.protocol.PeerId;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * What one recipient accepts from others (docs/server.md § Per-recipient fairness): each sender has a
 * message and a byte budget towards it, and all senders the recipient does not watch ("strangers")
 * share one more, capped at half the recipient's outbound queue so that strangers together can never
 * fill it. Contacts (peers the recipient watches) are charged only their own budget, so a flood from
 * strangers cannot crowd out the people the recipient actually talks to. Token buckets; the burst is
 * four seconds' worth. Thread-safe: relays to one recipient arrive from every event loop.
 *
 * <p>Allocated on the first relay to a session; at most {@link #MAX_SENDERS} sender entries, pruned
 * of full (idle) buckets when that is reached; a new stranger beyond that is refused until one frees.
 */
final class InboundBudget {
    enum Verdict { OK, SENDER, TOTAL }

    static final int MAX_SENDERS = 512;

    /** A pair of token buckets: messages and bytes. */
    private static final class Buckets {
        double messages;
        double bytes;
        long refillMs;

        Buckets(double messages, double bytes, long now) {
            this.messages = messages;
            this.bytes = bytes;
            this.refillMs = now;
        }

        void refill(long now, Rates r) {
            if (now > refillMs) {
                long dt = now - refillMs;
                messages = Math.min(r.messageBurst, messages + dt * r.messagesPerMs);
                bytes = Math.min(r.byteBurst, bytes + dt * r.bytesPerMs);
                refillMs = now;
            }
        }

        boolean has(int size) {
            return messages >= 1 && bytes >= size;
        }

        void take(int size) {
            messages -= 1;
            bytes -= size;
        }

        boolean full(Rates r) {
            return messages >= r.messageBurst && bytes >= r.byteBurst;
        }
    }

    /** Rates and bursts of one kind of budget. */
    record Rates(double messagesPerMs, double bytesPerMs, double messageBurst, double byteBurst) {
        static Rates perSecond(double messages, double bytes, double messageBurst, double byteBurst) {
            return new Rates(messages / 1000.0, bytes / 1000.0, messageBurst, byteBurst);
        }
    }

    private final Rates perSender;
    private final Rates strangers;
    private final Map<PeerId, Buckets> senders = new HashMap<>();
    private Buckets total;

    InboundBudget(Rates perSender, Rates strangers) {
        this.perSender = perSender;
        this.strangers = strangers;
    }

    /** Charges one relayed message of {@code size} bytes from {@code from}, or says whose budget is spent. */
    synchronized Verdict admit(PeerId from, boolean contact, int size, long now) {
        Buckets s = senders.get(from);
        if (s == null) {
            if (senders.size() >= MAX_SENDERS) prune(now);
            if (senders.size() >= MAX_SENDERS) return Verdict.SENDER;
            s = new Buckets(perSender.messageBurst, perSender.byteBurst, now);
            senders.put(from, s);
        } else {
            s.refill(now, perSender);
        }
        if (!s.has(size)) return Verdict.SENDER;
        if (!contact) {
            if (total == null) total = new Buckets(strangers.messageBurst, strangers.byteBurst, now);
            else total.refill(now, strangers);
            if (!total.has(size)) return Verdict.TOTAL;
            total.take(size);
        }
        s.take(size);
        return Verdict.OK;
    }

    private void prune(long now) {
        for (Iterator<Buckets> it = senders.values().iterator(); it.hasNext(); ) {
            Buckets b = it.next();
            b.refill(now, perSender);
            if (b.full(perSender)) it.remove();
        }
    }
}
