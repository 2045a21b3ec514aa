package dev.parley.bench;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends relay messages on an absolute schedule: message k is due at t0 + k/rate, whatever happened to
 * message k-1, so a late wake-up is followed by a catch-up burst and the average rate is exact. The
 * send time written into each message id is taken just before the write, so latency is
 * socket-to-socket through the server; how late the pacer was against its schedule is reported apart.
 */
final class Pacer {
    record Sent(int count, long t0, long lastSendNanos, long lagP50, long lagP99, long lagMax, long sendFailures) {}

    private final LoadClient client;
    private final byte[] frame = new byte[256 * 1024];

    Pacer(LoadClient client) {
        this.client = client;
    }

    /**
     * Sends {@code total} messages at {@code rate}/s, round-robin over {@code senders} (each to its
     * partner); every {@code offerEvery}-th one is an offer, the rest candidates. Sequence numbers
     * start at {@code firstSeq}.
     */
    Sent run(Conn[] senders, int total, double rate, int offerEvery, long firstSeq) {
        long[] lag = new long[total];
        long t0 = System.nanoTime() + 5_000_000;
        long last = t0;
        long sendFailures = 0;
        double interval = 1e9 / rate;
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int k = 0; k < total; k++) {
            long due = t0 + (long) (k * interval);
            long now;
            while ((now = System.nanoTime()) < due) LockSupport.parkNanos(due - now);
            Conn c = senders[k % senders.length];
            if (c.state != Conn.State.READY) {
                sendFailures++;
                continue;
            }
            Wire.Template t = (offerEvery > 0 && k % offerEvery == 0) ? c.templates.offer() : c.templates.candidate();
            int len = t.length();
            int mask = rnd.nextInt();
            int p = WsFrames.writeMaskedHeader(frame, 0, WsFrames.OP_TEXT, len, mask);
            System.arraycopy(t.json(), 0, frame, p, len);
            long sendAt = System.nanoTime();
            Wire.writeId(frame, p + t.idPos(), firstSeq + k, sendAt - PhaseRecorder.EPOCH);
            WsFrames.mask(frame, p, len, mask);
            client.send(c, frame, 0, p + len);
            lag[k] = sendAt - due;
            last = sendAt;
        }
        java.util.Arrays.sort(lag);
        return new Sent(total, t0, last, PhaseRecorder.pct(lag, 0.5), PhaseRecorder.pct(lag, 0.99),
                lag.length == 0 ? 0 : lag[lag.length - 1], sendFailures);
    }
}
