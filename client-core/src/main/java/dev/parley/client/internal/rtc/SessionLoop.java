package dev.parley.client.internal.rtc;

import dev.parley.client.internal.time.Scheduler;
import lombok.extern.slf4j.Slf4j;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * The one thread ({@code parley-rtc-<remotePeerId>}) that owns all state of one {@link PeerSession}:
 * the operations chain of W3C webrtc-pc §4.3.1.2 (Pion's operations queue). The session's parts
 * ({@link Negotiation}, {@link SessionAudio}, {@link DataChannels}) share through it what they all need:
 * the closing flag, listener delivery, the guard that keeps other threads' native calls away from a
 * closed connection, and timers that fire on this thread.
 */
@Slf4j
final class SessionLoop {

    /** Bound on each awaited native operation (createOffer, SLD, SRD, ...). */
    static final long OPERATION_TIMEOUT_MS = 10_000;

    /** A step on the loop; may throw, which closes the session with {@link CloseReason.Kind#ERROR}. */
    @FunctionalInterface
    interface Task {
        void run() throws Exception;
    }

    /** One listener event. */
    @FunctionalInterface
    interface Event {
        void deliver(PeerSessionListener listener, PeerSession session);
    }

    private final String remotePeerId;
    private final Scheduler scheduler;
    private final PeerSessionListener listener;
    private final ThreadPoolExecutor executor;
    private volatile Thread thread;
    private PeerSession session;
    private Consumer<CloseReason> closer;

    /** Guards native access from other threads against teardown: callers hold read, close holds write. */
    private final ReentrantReadWriteLock nativeLock = new ReentrantReadWriteLock();
    private volatile boolean nativeClosed;

    /** Confined to the loop. */
    private boolean closing;

    SessionLoop(String remotePeerId, Scheduler scheduler, PeerSessionListener listener) {
        this.remotePeerId = remotePeerId;
        this.scheduler = scheduler;
        this.listener = listener;
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "parley-rtc-" + remotePeerId);
            t.setDaemon(true);
            thread = t;
            return t;
        });
    }

    /** Once, by the owner: events name {@code session}; a failing task closes through {@code closer}. */
    void bind(PeerSession session, Consumer<CloseReason> closer) {
        this.session = session;
        this.closer = closer;
    }

    String remotePeerId() {
        return remotePeerId;
    }

    // ---- running on the loop ----

    /** Run on the loop, never throwing back into a WebRTC thread; dropped silently once shut down. */
    void post(String what, Task task) {
        executeQuietly(() -> {
            try {
                task.run();
            } catch (Throwable t) {
                fail(what, t);
            }
        });
    }

    private void executeQuietly(Runnable r) {
        try {
            executor.execute(r);
        } catch (RejectedExecutionException closed) {
            log.trace("a task for {} dropped: session closed", remotePeerId);
        }
    }

    /** Runs {@code c} on the loop and waits for it (bounded); for tests and inspection only. */
    <T> T call(Callable<T> c) throws Exception {
        return executor.submit(c).get(OPERATION_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    boolean onLoopThread() {
        return Thread.currentThread() == thread;
    }

    /** True once the session has closed: nothing posted from now on runs. */
    boolean isShutdown() {
        return executor.isShutdown();
    }

    /** After the terminal callback: queued tasks still run, and return at once since closing is set. */
    void shutdown() {
        executor.shutdown();
    }

    boolean closing() {
        return closing;
    }

    void markClosing() {
        closing = true;
    }

    private void fail(String what, Throwable t) {
        if (closing) {
            log.debug("{} failed after close for {}", what, remotePeerId, t);
            return;
        }
        log.warn("{} failed for peer {}; closing the session", what, remotePeerId, t);
        try {
            closer.accept(new CloseReason(CloseReason.Kind.ERROR, what + " failed: " + t));
        } catch (Throwable t2) {
            log.error("closing {} after failure also failed", remotePeerId, t2);
        }
    }

    // ---- listener events ----

    /** Delivers an event unless the session is closing; a throwing listener is logged, not fatal. */
    void emit(Event event) {
        if (!closing) {
            emitFinal(event);
        }
    }

    /** Delivers an event even while closing (the terminal ones). */
    void emitFinal(Event event) {
        try {
            event.deliver(listener, session);
        } catch (Throwable t) {
            log.warn("listener for {} threw", remotePeerId, t);
        }
    }

    // ---- native access from other threads ----

    /**
     * Runs a native call from any thread, unless the connection is closed (then {@code whenClosed}).
     * Never overlaps {@link #closeNative}, so nothing touches a closed connection.
     */
    <T> T readNative(Callable<T> call, T whenClosed) throws Exception {
        nativeLock.readLock().lock();
        try {
            return nativeClosed ? whenClosed : call.call();
        } finally {
            nativeLock.readLock().unlock();
        }
    }

    /** Marks the connection closed and runs {@code close} once every {@link #readNative} has left. */
    void closeNative(Runnable close) {
        nativeLock.writeLock().lock();
        try {
            nativeClosed = true;
            close.run();
        } catch (Throwable t) {
            log.warn("closing the connection to {} failed", remotePeerId, t);
        } finally {
            nativeLock.writeLock().unlock();
        }
    }

    // ---- timers ----

    /** A timer slot whose task runs on this loop; confined to the loop. */
    Timer timer(String what) {
        return new Timer(what);
    }

    /**
     * One restartable timer (disconnect grace, restart timeout, connect timeout) through the injected
     * {@link Scheduler}. A task handed to the loop after {@link #cancel} or a restart is dropped when it
     * runs, so cancelling on the loop is final, as with a timer the loop owned itself.
     */
    final class Timer {
        private final String what;
        private Scheduler.Timer pending;
        private long generation;

        private Timer(String what) {
            this.what = what;
        }

        boolean pending() {
            return pending != null;
        }

        void start(Duration delay, Task task) {
            cancel();
            long mine = generation;
            pending = scheduler.schedule(delay, SessionLoop.this::executeQuietly, () -> {
                if (mine != generation || closing) {
                    return; // cancelled or restarted after the scheduler handed it over
                }
                pending = null;
                try {
                    task.run();
                } catch (Throwable t) {
                    fail(what, t);
                }
            });
        }

        void cancel() {
            if (pending != null) {
                pending.cancel();
                pending = null;
            }
            generation++;
        }
    }
}
