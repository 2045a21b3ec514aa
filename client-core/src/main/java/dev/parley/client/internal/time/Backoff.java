package dev.parley.client.internal.signaling;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential reconnect delay with ±50 % jitter: 0.5 s doubling to 30 s, reset on a successful login. */
final class Backoff {
    static final long INITIAL_MS = 500;
    static final long MAX_MS = 30_000;
    private long next = INITIAL_MS;

    synchronized long nextDelayMs() {
        long base = next;
        next = Math.min(MAX_MS, next * 2);
        return jitter(base);
    }

    synchronized void reset() {
        next = INITIAL_MS;
    }

    static long jitter(long base) {
        return base / 2 + ThreadLocalRandom.current().nextLong(base + 1);
    }
}
