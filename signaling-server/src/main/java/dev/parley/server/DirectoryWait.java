package dev.parley.server;

import dev.parley.protocol.signal.ErrorCode;
import lombok.extern.slf4j.Slf4j;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * A connection waiting for the cluster directory (its login's {@code claim}, a {@code watch}) without
 * blocking the event loop it shares with other connections. The directory's answer comes back on a Redis
 * thread and is handed to the connection's own thread ({@link Connection#execute}); until then the
 * connection's later messages are held, in order, and processed right after the answer, so a client sees
 * exactly the order a single node gives it. The hold is bounded ({@link #MAX_HELD} messages,
 * {@link ServerConfig#maxQueuedBytes()} characters): past it the connection is refused with
 * {@code rate_limited}. A stage that is already complete (a single node, or a directory refusing at once)
 * continues at once, with no hand-off.
 */
@Slf4j
final class DirectoryWait {
    /** Messages one connection may send while it waits; a client normally waits for the answer. */
    static final int MAX_HELD = 64;

    /** A message received while the connection waited: its text and arrival time. */
    record Held(String text, long t0) {}

    /** Processes a message as if it had just arrived ({@link Relay#dispatch}). */
    interface Dispatch {
        void dispatch(Connection c, String text, long t0);
    }

    private final Relay relay;
    private final Dispatch dispatch;
    private final long maxHeldChars;
    private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();

    DirectoryWait(Relay relay, Dispatch dispatch, long maxHeldChars) {
        this.relay = relay;
        this.dispatch = dispatch;
        this.maxHeldChars = maxHeldChars;
    }

    /** Connections waiting now (/metrics {@code parley_cluster_waiting}). */
    int waiting() {
        return waiting.get();
    }

    /**
     * Runs {@code then} with the stage's value or failure (unwrapped), on {@code c}'s thread; later
     * messages of {@code c} wait until it has run. Called on {@code c}'s thread.
     */
    <T> void then(Connection c, CompletionStage<T> stage, BiConsumer<T, Throwable> then) {
        CompletableFuture<T> f = stage.toCompletableFuture();
        if (f.isDone()) {
            T value = null;
            Throwable failure = null;
            try {
                value = f.join();
            } catch (CompletionException | java.util.concurrent.CancellationException e) {
                failure = unwrap(e);
            }
            then.accept(value, failure);
            return;
        }
        c.waiting = true;
        waiting.incrementAndGet();
        // The directory's thread only hands over: nothing runs there.
        f.whenComplete((v, e) -> c.execute(() -> {
            // The answer is here: the connection no longer waits, whatever the continuation then does
            // (it may answer and close, and a client seeing that close must find the gauge already down).
            waiting.decrementAndGet();
            try {
                then.accept(v, e == null ? null : unwrap(e));
            } catch (RuntimeException x) {
                log.atError().setCause(x).log("failed to continue after the cluster directory answered");
                relay.fail(c, ErrorCode.INTERNAL, "internal error", null);
            } finally {
                release(c);
            }
        }));
    }

    /**
     * If {@code c} waits, holds {@code text} (or refuses the connection past the bound) and returns true;
     * false: process it now. Called on {@code c}'s thread.
     */
    boolean hold(Connection c, String text, long t0) {
        if (!c.waiting) return false;
        if (c.held == null) c.held = new ArrayDeque<>();
        if (c.held.size() >= MAX_HELD || c.heldChars + text.length() > maxHeldChars) {
            c.held.clear();
            c.heldChars = 0;
            relay.fail(c, ErrorCode.RATE_LIMITED, "more than " + MAX_HELD + " messages (or " + maxHeldChars
                    + " characters) sent while this connection waited for the cluster directory; wait for the answer"
                    + " (welcome after auth, presence after watch) before sending more", null);
            return true;
        }
        c.held.addLast(new Held(text, t0));
        c.heldChars += text.length();
        return true;
    }

    /** The answer is in: the held messages run in order, until one of them waits again. */
    private void release(Connection c) {
        c.waiting = false;
        ArrayDeque<Held> q = c.held;
        if (q == null) return;
        while (!c.waiting && !q.isEmpty()) {
            Held h = q.pollFirst();
            c.heldChars -= h.text().length();
            if (c.closing() || c.replaced) {
                q.clear();
                c.heldChars = 0;
                return;
            }
            dispatch.dispatch(c, h.text(), h.t0());
        }
        if (q.isEmpty()) c.held = null;
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof java.util.concurrent.ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
