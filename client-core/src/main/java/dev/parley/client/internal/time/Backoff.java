package dev.parley.client.internal.time;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Exponential retry delay with ±50 % jitter: {@code initial} doubling up to {@code max}, back to
 * {@code initial} on {@link #reset()}. The one backoff of client-core: the signaling reconnect
 * (0.5 s to 30 s) and the per-contact redial (1 s to 30 s) both use it, so many clients that lost
 * the same server or peer at once do not retry in lockstep. Thread-safe.
 */
public final class Backoff {
    private final long initialMs;
    private final long maxMs;
    private final RandomGenerator random;
    private long next;

    public Backoff(Duration initial, Duration max) {
        this(initial, max, null);
    }

    /** With a fixed source of randomness, for tests; {@code null} means {@link ThreadLocalRandom}. */
    Backoff(Duration initial, Duration max, RandomGenerator random) {
        this.initialMs = initial.toMillis();
        this.maxMs = max.toMillis();
        if (initialMs <= 0 || maxMs < initialMs) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + " and " + max);
        }
        this.random = random;
        this.next = initialMs;
    }

    /** The delay before the next attempt, in ms: the current base with jitter; the base then doubles. */
    public synchronized long nextDelayMs() {
        long base = next;
        next = Math.min(maxMs, next * 2);
        return jitter(base, random == null ? ThreadLocalRandom.current() : random);
    }

    /** The attempt succeeded: the next delay starts from {@code initial} again. */
    public synchronized void reset() {
        next = initialMs;
    }

    /** {@code baseMs} with ±50 % jitter: uniformly in [baseMs / 2, baseMs * 3 / 2]. */
    public static long jitter(long baseMs) {
        return jitter(baseMs, ThreadLocalRandom.current());
    }

    static long jitter(long baseMs, RandomGenerator random) {
        return baseMs / 2 + random.nextLong(baseMs + 1);
    }
}
