package dev.parley.client.internal.call;

import dev.parley.client.CallRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** Records every {@link CallEvent} (OkHttp WebSocketRecorder style); tests wait a bounded time for each. */
final class CallRecorder implements CallListener {
    private final String name;
    private final BlockingQueue<CallEvent> queue = new LinkedBlockingQueue<>();
    private final List<CallEvent> history = new CopyOnWriteArrayList<>();
    private final List<String> threads = new CopyOnWriteArrayList<>();
    private final List<CallEvent> pending = new ArrayList<>();

    CallRecorder(String name) {
        this.name = name;
    }

    @Override
    public void onCallEvent(CallEvent event) {
        threads.add(Thread.currentThread().getName());
        history.add(event);
        queue.add(event);
    }

    /** The next event of this type (Stats events in between are skipped; others stay pending). */
    <T extends CallEvent> T await(Class<T> type, Duration timeout) throws InterruptedException {
        return await(type, e -> true, timeout);
    }

    <T extends CallEvent> T await(Class<T> type, Predicate<T> match, Duration timeout) throws InterruptedException {
        for (var it = pending.iterator(); it.hasNext(); ) {
            CallEvent e = it.next();
            if (type.isInstance(e) && match.test(type.cast(e))) {
                it.remove();
                return type.cast(e);
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            CallEvent e = left <= 0 ? null : queue.poll(left, TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError(name + ": no " + type.getSimpleName() + " within " + timeout
                        + "; history " + history.stream().filter(x -> !(x instanceof CallEvent.Stats)).toList());
            }
            if (type.isInstance(e) && match.test(type.cast(e))) {
                return type.cast(e);
            }
            if (!(e instanceof CallEvent.Stats)) {
                pending.add(e);
            }
        }
    }

    CallRecord awaitEnded(Duration timeout) throws InterruptedException {
        return await(CallEvent.Ended.class, timeout).record();
    }

    List<CallEvent> history() {
        return List.copyOf(history);
    }

    /** Nothing but stats left unconsumed, and every event came on the engine thread. */
    void assertExhausted() {
        List<CallEvent> left = new ArrayList<>(pending);
        queue.drainTo(left);
        left.removeIf(e -> e instanceof CallEvent.Stats);
        assertThat(left).as(name + ": unconsumed events").isEmpty();
        assertThat(threads).as(name + ": listener threads").allMatch(t -> t.equals("parley-call"));
    }
}
