package dev.parley.bench;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one relay phase saw on the receiving side: a latency sample per delivered message (exact,
 * sorted at the end, no histogram buckets), plus counts of errors, duplicates and misrouted messages.
 * Written by the I/O thread, read by the bench after the phase has drained.
 */
final class PhaseRecorder {
    /** All send/receive times are System.nanoTime() minus this, so they fit the id's 15 digits. */
    static final long EPOCH = System.nanoTime();

    private final long firstSeq, expected;
    private final long[] latencyNanos;
    private final boolean[] seen;
    private int n;
    private long bytes, duplicates, misrouted, outOfPhase;
    private long firstRecvNanos = Long.MAX_VALUE, lastRecvNanos;
    private final Map<String, Long> errors = new TreeMap<>();

    PhaseRecorder(long firstSeq, int expected) {
        this.firstSeq = firstSeq;
        this.expected = expected;
        this.latencyNanos = new long[expected];
        this.seen = new boolean[expected];
    }

    /** False when the message does not belong to this phase. */
    synchronized boolean record(long seq, long latency, int len, boolean fromOk) {
        long i = seq - firstSeq;
        if (i < 0 || i >= expected) {
            outOfPhase++;
            return false;
        }
        if (seen[(int) i]) {
            duplicates++;
            return true;
        }
        seen[(int) i] = true;
        long now = System.nanoTime();
        if (firstRecvNanos == Long.MAX_VALUE) firstRecvNanos = now;
        lastRecvNanos = now;
        latencyNanos[n++] = latency;
        bytes += len;
        if (!fromOk) misrouted++;
        return true;
    }

    synchronized void error(String code) {
        errors.merge(code, 1L, Long::sum);
    }

    synchronized int delivered() {
        return n;
    }

    synchronized long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    record Result(int delivered, long bytes, long duplicates, long misrouted, Map<String, Long> errors,
                  long p50, long p90, long p99, long p999, long max, long receiveSpanNanos) {}

    synchronized Result result() {
        long[] s = Arrays.copyOf(latencyNanos, n);
        Arrays.sort(s);
        return new Result(n, bytes, duplicates, misrouted, new TreeMap<>(errors),
                pct(s, 0.50), pct(s, 0.90), pct(s, 0.99), pct(s, 0.999), n == 0 ? 0 : s[n - 1],
                n == 0 ? 0 : lastRecvNanos - firstRecvNanos);
    }

    /** Nearest-rank percentile of sorted {@code s}. */
    static long pct(long[] s, double q) {
        if (s.length == 0) return 0;
        int rank = (int) Math.ceil(q * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
    }
}
