package dev.parley.client.internal.time;

import dev.parley.client.internal.DaemonThreads;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** Wall-clock timers on one daemon thread ({@code parley-timers}) that only hand tasks to their owners. */
final class SystemScheduler implements Scheduler {
    static final SystemScheduler INSTANCE = new SystemScheduler();

    private final ScheduledThreadPoolExecutor timers;

    private SystemScheduler() {
        timers = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("parley-timers"));
        timers.setRemoveOnCancelPolicy(true);
        timers.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public Timer schedule(Duration delay, Executor owner, Runnable task) {
        ScheduledFuture<?> f = timers.schedule(() -> handOff(owner, task), delay.toNanos(), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public Timer scheduleRepeating(Duration initialDelay, Duration period, Executor owner, Runnable task) {
        ScheduledFuture<?> f = timers.scheduleAtFixedRate(() -> handOff(owner, task),
                initialDelay.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    private static void handOff(Executor owner, Runnable task) {
        try {
            owner.execute(task);
        } catch (RejectedExecutionException closed) {
            // the owner has shut down: its timers no longer matter
        }
    }
}
