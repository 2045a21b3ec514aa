package dev.parley.client.internal.group;

import dev.parley.client.internal.DaemonThreads;
import lombok.extern.slf4j.Slf4j;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The one thread a group feature ({@link GroupEngine}, {@link GroupSignals}) keeps its state on:
 * API callers wait for their answer ({@link #call}), session threads hand off and go on ({@link #later}).
 * As an {@link Executor} it is the owner of that feature's timers.
 */
@Slf4j
final class GroupWorker implements Executor, AutoCloseable {
    private final ExecutorService worker;
    private final String what;

    /** {@code thread}: the thread's name; {@code what}: the feature, as the log names it. */
    GroupWorker(String thread, String what) {
        this.worker = Executors.newSingleThreadExecutor(DaemonThreads.named(thread));
        this.what = what;
    }

    /** Runs {@code task} on the worker and waits: its runtime exception is rethrown here. */
    <T> T call(Callable<T> task) {
        try {
            return worker.submit(task).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Hands work to the worker; a failure is logged; after close it is dropped (nothing was acknowledged for it, so peers send it again). */
    void later(Runnable task) {
        try {
            worker.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.warn("{} work failed", what, e);
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("{} closed; dropping work", what);
        }
    }

    @Override
    public void execute(Runnable command) {
        worker.execute(command);
    }

    /** Stops taking work and waits up to 5 s for what was handed off. */
    @Override
    public void close() {
        worker.shutdown();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
