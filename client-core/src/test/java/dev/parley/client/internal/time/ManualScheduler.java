package dev.parley.client.internal.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * A scheduler whose time only moves when a test calls {@link #advance(Duration)}; its {@link #clock()}
 * moves with it. Due tasks are handed to their owners in due order, exactly as the real scheduler does.
 */
public final class ManualScheduler implements Scheduler {
    private final Object lock = new Object();
    private final List<Entry> pending = new ArrayList<>();
    private long nowNanos;
    private long seq;
    private final Instant epoch;

    public ManualScheduler() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    public ManualScheduler(Instant start) {
        this.epoch = start;
    }

    /** A clock that reads this scheduler's time. */
    public Clock clock() {
        return new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Instant instant() {
                synchronized (lock) {
                    return epoch.plusNanos(nowNanos);
                }
            }
        };
    }

    @Override
    public Timer schedule(Duration delay, Executor owner, Runnable task) {
        return add(delay, null, owner, task);
    }

    @Override
    public Timer scheduleRepeating(Duration initialDelay, Duration period, Executor owner, Runnable task) {
        if (period.isZero() || period.isNegative()) throw new IllegalArgumentException("period must be positive");
        return add(initialDelay, period, owner, task);
    }

    private Timer add(Duration delay, Duration period, Executor owner, Runnable task) {
        synchronized (lock) {
            Entry e = new Entry(nowNanos + Math.max(0, delay.toNanos()), seq++, period, owner, task);
            pending.add(e);
            return () -> {
                synchronized (lock) {
                    e.cancelled = true;
                    pending.remove(e);
                }
            };
        }
    }

    /** Moves time forward, handing every task that falls due on the way to its owner, in due order. */
    public void advance(Duration by) {
        long target;
        synchronized (lock) {
            target = nowNanos + by.toNanos();
        }
        for (int fired = 0; fired < 1_000_000; fired++) {
            Entry next;
            synchronized (lock) {
                next = pending.stream().filter(e -> e.dueNanos <= target)
                        .min(Comparator.comparingLong((Entry e) -> e.dueNanos).thenComparingLong(e -> e.seq)).orElse(null);
                if (next == null) {
                    nowNanos = target;
                    return;
                }
                nowNanos = Math.max(nowNanos, next.dueNanos);
                pending.remove(next);
                if (next.period != null) {
                    next.dueNanos += next.period.toNanos();
                    pending.add(next);
                }
            }
            next.owner.execute(next.task);
        }
        throw new IllegalStateException("more than a million timers fell due: a timer loop?");
    }

    /** How many timers are waiting. */
    public int pendingCount() {
        synchronized (lock) {
            return pending.size();
        }
    }

    private static final class Entry {
        long dueNanos;
        final long seq;
        final Duration period;
        final Executor owner;
        final Runnable task;
        boolean cancelled;

        Entry(long dueNanos, long seq, Duration period, Executor owner, Runnable task) {
            this.dueNanos = dueNanos;
            this.seq = seq;
            this.period = period;
            this.owner = owner;
            this.task = task;
        }
    }
}
