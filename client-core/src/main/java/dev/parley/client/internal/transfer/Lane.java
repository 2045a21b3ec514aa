package dev.parley.client.internal.transfer;

import lombok.extern.slf4j.Slf4j;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A serial executor over a shared pool: tasks run one at a time, in submission order, each
 * happening-before the next, so an object touched only from its lane is confined as if it had a
 * thread of its own while the pool bounds how many lanes run at once. A task that throws is logged;
 * tasks submitted after the pool shut down are dropped.
 */
@Slf4j
final class Lane implements Executor {
    private final Executor pool;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    Lane(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        schedule();
    }

    private void schedule() {
        if (!scheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            scheduled.set(false);
            tasks.clear();
            log.debug("lane task dropped: pool shut down");
        }
    }

    private void drain() {
        try {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                try {
                    task.run();
                } catch (Throwable t) {
                    log.warn("transfer disk step failed", t);
                }
            }
        } finally {
            scheduled.set(false);
        }
        if (!tasks.isEmpty()) {
            schedule(); // added after our last poll, before the flag was cleared
        }
    }
}
