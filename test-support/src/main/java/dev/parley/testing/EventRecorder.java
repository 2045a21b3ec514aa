package dev.parley.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The one event recorder of the test suite: listeners (on any thread) {@link #record} events into a queue,
 * the test thread takes them <em>strictly in order</em>.
 *
 * <ul>
 *   <li>{@link #next()}, {@link #next(Class)} and {@link #expectNext} take the <em>next</em> event and fail
 *       if it is not the expected one. Nothing is skipped and nothing is put back.</li>
 *   <li>Every wait is bounded ({@link #timeout(Duration)}, default {@link #DEFAULT_WAIT}); running out fails.</li>
 *   <li>{@link #assertNothingElseUntil} closes an absence window with a later sentinel event: everything
 *       before the sentinel must already have been consumed, so a duplicate or a stray warning that
 *       arrives late still fails (a check "at one instant" would miss it).</li>
 *   <li>{@link #assertExhausted()} fails on any event not yet consumed.</li>
 *   <li>Noise (progress, stats) is dropped only when the test declares it, by {@link #ignoring}, at
 *       recording time; {@link #ignoredCount()} says how much was dropped.</li>
 * </ul>
 *
 * Subclasses are typically listener adapters that turn callbacks into records and call {@link #record}.
 */
public class EventRecorder<E> implements Consumer<E> {
    /** Default bound of every wait; override per run with {@code -Dparley.test.waitSeconds=N}. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(Long.getLong("parley.test.waitSeconds", 5));

    /** One expected event for {@link #expectInAnyOrder}. */
    public record Expectation<E>(String description, Predicate<? super E> test) {
        public Expectation {
            Objects.requireNonNull(description);
            Objects.requireNonNull(test);
        }
    }

    private record Ignore<E>(String why, Predicate<? super E> test) { }

    private final String name;
    private final LinkedBlockingQueue<E> queue = new LinkedBlockingQueue<>();
    private final List<E> history = new CopyOnWriteArrayList<>();
    private final List<String> threads = new CopyOnWriteArrayList<>();
    private final List<Ignore<E>> ignores = new CopyOnWriteArrayList<>();
    private final List<E> ignoredHistory = new CopyOnWriteArrayList<>();
    private final AtomicInteger ignored = new AtomicInteger();
    private volatile Duration timeout = DEFAULT_WAIT;

    public EventRecorder(String name) {
        this.name = Objects.requireNonNull(name);
    }

    public static <E> Expectation<E> event(String description, Predicate<? super E> test) {
        return new Expectation<>(description, test);
    }

    public String name() {
        return name;
    }

    /** Bound of every wait that does not name its own. */
    public EventRecorder<E> timeout(Duration wait) {
        this.timeout = Objects.requireNonNull(wait);
        return this;
    }

    public Duration timeout() {
        return timeout;
    }

    /** Declares events of these types noise for this test: they are dropped when recorded. */
    @SafeVarargs
    public final EventRecorder<E> ignoring(Class<? extends E>... types) {
        List<Class<? extends E>> list = List.of(types);
        return ignoring("types " + list.stream().map(Class::getSimpleName).toList(), e -> list.stream().anyMatch(t -> t.isInstance(e)));
    }

    /** Declares matching events noise for this test (the reason shows in failure messages). */
    public EventRecorder<E> ignoring(String why, Predicate<? super E> test) {
        ignores.add(new Ignore<>(why, test));
        return this;
    }

    @Override
    public final void accept(E e) {
        record(e);
    }

    /** Called by listeners on any thread. */
    public void record(E e) {
        Objects.requireNonNull(e, "event");
        threads.add(Thread.currentThread().getName());
        for (Ignore<E> i : ignores) {
            if (i.test().test(e)) {
                ignored.incrementAndGet();
                ignoredHistory.add(e);
                return;
            }
        }
        history.add(e);
        queue.add(e);
    }

    /** The next event, waiting at most {@link #timeout()}. */
    public E next() {
        return next(timeout);
    }

    public E next(Duration wait) {
        E e = poll(wait);
        if (e == null) {
            throw failure("expected another event within " + wait + " but none came");
        }
        return e;
    }

    /** The next event if one has already arrived (no waiting, nothing skipped), for polling loops that also act. */
    public java.util.Optional<E> nextIfAny() {
        return java.util.Optional.ofNullable(queue.poll());
    }

    /** The next event, which must be of this type. */
    public <T extends E> T next(Class<T> type) {
        return next(type, timeout);
    }

    public <T extends E> T next(Class<T> type, Duration wait) {
        return expectNext(type, "any " + type.getSimpleName(), x -> true, wait);
    }

    /** The next event, which must match. */
    public E expectNext(String description, Predicate<? super E> test) {
        return expectNext(description, test, timeout);
    }

    public E expectNext(String description, Predicate<? super E> test, Duration wait) {
        E e = poll(wait);
        if (e == null) {
            throw failure("expected next: " + description + ", but nothing came within " + wait);
        }
        if (!test.test(e)) {
            throw failure("expected next: " + description + ", but the next event was " + e);
        }
        return e;
    }

    /** The next event, which must be of this type and match. */
    public <T extends E> T expectNext(Class<T> type, String description, Predicate<? super T> test) {
        return expectNext(type, description, test, timeout);
    }

    public <T extends E> T expectNext(Class<T> type, String description, Predicate<? super T> test, Duration wait) {
        E e = expectNext(type.getSimpleName() + ": " + description, x -> type.isInstance(x) && test.test(type.cast(x)), wait);
        return type.cast(e);
    }

    /**
     * The next {@code expected.size()} events, which must match the expectations one each, in any order
     * (for events from independent sources whose relative order is not defined). Returned in arrival order.
     */
    public List<E> expectInAnyOrder(List<Expectation<E>> expected) {
        List<Expectation<E>> left = new ArrayList<>(expected);
        List<E> got = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos() * Math.max(1, expected.size());
        while (!left.isEmpty()) {
            E e = poll(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (e == null) {
                throw failure("still expected " + descriptions(left) + " (in any order), but nothing more came");
            }
            Expectation<E> hit = left.stream().filter(x -> x.test().test(e)).findFirst().orElse(null);
            if (hit == null) {
                throw failure("expected one of " + descriptions(left) + ", but the next event was " + e);
            }
            left.remove(hit);
            got.add(e);
        }
        return got;
    }

    @SafeVarargs
    public final List<E> expectInAnyOrder(Expectation<E>... expected) {
        return expectInAnyOrder(Arrays.asList(expected));
    }

    /**
     * Closes an absence window: the next event must be the sentinel (an event the test caused after the
     * window opened, e.g. a second message). Anything else arriving first (a duplicate, a warning) fails.
     */
    public E assertNothingElseUntil(String sentinel, Predicate<? super E> test) {
        return assertNothingElseUntil(sentinel, test, timeout);
    }

    public E assertNothingElseUntil(String sentinel, Predicate<? super E> test, Duration wait) {
        E e = poll(wait);
        if (e == null) {
            throw failure("expected the sentinel " + sentinel + ", but nothing came within " + wait);
        }
        if (!test.test(e)) {
            throw failure("expected nothing else before the sentinel " + sentinel + ", but got " + e);
        }
        return e;
    }

    public <T extends E> T assertNothingElseUntil(Class<T> type, String sentinel, Predicate<? super T> test) {
        return type.cast(assertNothingElseUntil(type.getSimpleName() + ": " + sentinel,
                x -> type.isInstance(x) && test.test(type.cast(x)), timeout));
    }

    /**
     * Consumes and returns every event recorded so far, without waiting: for setup steps whose events a
     * test does not examine one by one, or to assert on a batch (e.g. its size).
     */
    public List<E> takeAll() {
        List<E> out = new ArrayList<>();
        queue.drainTo(out);
        return out;
    }

    /** Fails if any recorded event has not been consumed. */
    public void assertExhausted() {
        List<E> left = new ArrayList<>();
        queue.drainTo(left);
        if (!left.isEmpty()) {
            throw failure("expected no more events, but " + left.size() + " unconsumed: " + left);
        }
    }

    /** Every event recorded (not ignored) so far, in order, consumed or not. */
    public List<E> history() {
        return List.copyOf(history);
    }

    /** Recorded events of a type so far (for assertions over the whole run, e.g. counts). */
    public <T extends E> List<T> history(Class<T> type) {
        return history.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Names of the threads that delivered events (ignored ones included), in order. */
    public List<String> threads() {
        return List.copyOf(threads);
    }

    /** Events dropped as declared noise, in order (e.g. to count session changes a test does not take one by one). */
    public <T extends E> List<T> ignoredHistory(Class<T> type) {
        return ignoredHistory.stream().filter(type::isInstance).map(type::cast).toList();
    }

    public int ignoredCount() {
        return ignored.get();
    }

    private E poll(Duration wait) {
        try {
            return queue.poll(Math.max(0, wait.toNanos()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new AssertionError(name + ": interrupted while waiting for an event", ex);
        }
    }

    private static <E> List<String> descriptions(List<Expectation<E>> list) {
        return list.stream().map(Expectation::description).toList();
    }

    private AssertionError failure(String what) {
        List<E> dropped = List.copyOf(ignoredHistory);
        String noise = ignores.isEmpty() ? "" : "\n  ignoring " + ignores.stream().map(Ignore::why).toList() + ", " + dropped.size()
                + " dropped, the last: " + dropped.subList(Math.max(0, dropped.size() - 20), dropped.size());
        return new AssertionError(name + ": " + what + "\n  history: " + history + noise);
    }
}
