package dev.parley.client.internal.files;

import java.time.Duration;

/** Rate over roughly the last few seconds and the ETA from it, for progress events (downloads and 1:1 uploads). Not thread-safe. */
public final class RateMeter {
    private static final long WINDOW_NANOS = 3_000_000_000L;
    private long markNanos = -1;
    private long markBytes;
    private double rate;

    /** Adds an observation; returns the current rate in bytes per second. */
    public double update(long nowNanos, long bytes) {
        if (markNanos < 0 || bytes < markBytes) {
            markNanos = nowNanos;
            markBytes = bytes;
            return rate;
        }
        long dt = nowNanos - markNanos;
        if (dt > 0) {
            double current = (bytes - markBytes) * 1e9 / dt;
            rate = rate == 0 ? current : rate * 0.5 + current * 0.5;
        }
        if (dt >= WINDOW_NANOS / 3) {
            markNanos = nowNanos;
            markBytes = bytes;
        }
        return rate;
    }

    public static Duration eta(long remaining, double rate) {
        if (remaining <= 0) {
            return Duration.ZERO;
        }
        return rate <= 0 ? null : Duration.ofMillis((long) (remaining * 1000 / rate));
    }
}
