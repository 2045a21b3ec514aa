package dev.parley.client.internal.rtc;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records every listener event of one session (OkHttp WebSocketRecorder style): tests wait a bounded
 * time for the event they expect; everything seen stays in {@link #history()}.
 */
final class Recorder implements PeerSessionListener {

    sealed interface Event permits State, ChannelOpen, ChannelClosed, Message, Security, Closed { }

    record State(SessionState state) implements Event { }

    record ChannelOpen(String label) implements Event { }

    record ChannelClosed(String label) implements Event { }

    record Message(String label, byte[] data, boolean binary) implements Event {
        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "Message[" + label + ", " + data.length + " B, binary=" + binary + "]";
        }
    }

    record Security(String reason) implements Event { }

    record Closed(CloseReason reason) implements Event { }

    private final String name;
    private final BlockingQueue<Event> queue = new LinkedBlockingQueue<>();
    private final List<Event> history = new CopyOnWriteArrayList<>();
    /** Seen by an await but not matched; only touched by the test thread. */
    private final List<Event> pending = new ArrayList<>();
    private final List<Event> afterClose = new CopyOnWriteArrayList<>();
    private final List<String> threads = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    /** When set, every callback throws after recording, like a buggy application listener. */
    volatile boolean throwAfterRecording;

    Recorder(String name) {
        this.name = name;
    }

    private void add(Event e) {
        threads.add(Thread.currentThread().getName());
        if (closed) {
            afterClose.add(e);
        }
        if (e instanceof Closed) {
            closed = true;
        }
        history.add(e);
        queue.add(e);
        if (throwAfterRecording) {
            throw new IllegalStateException("listener bug (deliberate, from the test)");
        }
    }

    @Override
    public void onStateChange(PeerSession session, SessionState state) {
        add(new State(state));
    }

    @Override
    public void onChannelOpen(PeerSession session, String label) {
        add(new ChannelOpen(label));
    }

    @Override
    public void onChannelClosed(PeerSession session, String label) {
        add(new ChannelClosed(label));
    }

    @Override
    public void onMessage(PeerSession session, String label, byte[] data, boolean binary) {
        add(new Message(label, data, binary));
    }

    @Override
    public void onSecurityError(PeerSession session, String reason) {
        add(new Security(reason));
    }

    @Override
    public void onClosed(PeerSession session, CloseReason reason) {
        add(new Closed(reason));
    }

    /**
     * Wait for the earliest not-yet-consumed event of this type that matches, and consume it. Other
     * events stay pending for later awaits, in order. Fails after the timeout.
     */
    <T extends Event> T await(Class<T> type, Predicate<T> match, Duration timeout) throws InterruptedException {
        for (var it = pending.iterator(); it.hasNext(); ) {
            Event e = it.next();
            if (type.isInstance(e) && match.test(type.cast(e))) {
                it.remove();
                return type.cast(e);
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Event e = left <= 0 ? null : queue.poll(left, TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError(name + ": no matching " + type.getSimpleName() + " within " + timeout
                        + "; history " + history);
            }
            if (type.isInstance(e) && match.test(type.cast(e))) {
                return type.cast(e);
            }
            pending.add(e);
        }
    }

    <T extends Event> T await(Class<T> type, Duration timeout) throws InterruptedException {
        return await(type, e -> true, timeout);
    }

    void awaitState(SessionState s, Duration timeout) throws InterruptedException {
        await(State.class, e -> e.state() == s, timeout);
    }

    void awaitOpen(String label, Duration timeout) throws InterruptedException {
        await(ChannelOpen.class, e -> e.label().equals(label), timeout);
    }

    /** The next n messages on a label, in arrival order. */
    List<Message> awaitMessages(String label, int n, Duration timeout) throws InterruptedException {
        List<Message> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.size() < n) {
            long left = Math.max(1, deadline - System.nanoTime());
            out.add(await(Message.class, m -> m.label().equals(label), Duration.ofNanos(left)));
        }
        return out;
    }

    long count(Predicate<Event> p) {
        return history.stream().filter(p).count();
    }

    List<Event> history() {
        return List.copyOf(history);
    }

    /** Every recorder must end clean: nothing after onClosed, everything on the session thread. */
    void assertContract() {
        assertThat(afterClose).as(name + ": events after onClosed").isEmpty();
        assertThat(threads).as(name + ": listener threads").allMatch(t -> t.startsWith("parley-rtc-"));
    }
}
