package dev.parley.client.internal.time;

import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * Every timeout in client-core goes through this (typing expiry, ring and media timeouts, redials,
 * connect timers, heartbeats), so tests move time with {@code ManualScheduler} instead of waiting.
 *
 * <p>A timer never runs its task on the scheduler's own thread: when it fires it hands the task to
 * the {@code owner} executor, the one that owns the state the task touches. A task handed off after
 * {@link Timer#cancel()} is not guaranteed to be withdrawn, so tasks re-check their state.
 */
public interface Scheduler {
    /** Runs {@code task} on {@code owner} once, after {@code delay}. */
    Timer schedule(Duration delay, Executor owner, Runnable task);

    /** Runs {@code task} on {@code owner} every {@code period}, the first time after {@code initialDelay}. */
    Timer scheduleRepeating(Duration initialDelay, Duration period, Executor owner, Runnable task);

    /** The real scheduler: one shared daemon timer thread. */
    static Scheduler system() {
        return SystemScheduler.INSTANCE;
    }

    /** A pending timer. */
    interface Timer {
        /** Stops the timer; idempotent. */
        void cancel();

        /** A timer that never fires. */
        Timer NONE = () -> {};
    }
}
