package dev.parley.client.internal.rtc;

import dev.parley.testing.EventRecorder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every listener event of one session into the shared strict {@link EventRecorder}: tests take them in
 * order; everything seen stays in {@link #history()}.
 */
final class Recorder extends EventRecorder<Recorder.Event> implements PeerSessionListener {

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

    private final List<Event> afterClose = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    /** When set, every callback throws after recording, like a buggy application listener. */
    volatile boolean throwAfterRecording;

    Recorder(String name) {
        super(name);
        timeout(Duration.ofSeconds(15));
    }

    private void add(Event e) {
        if (closed) {
            afterClose.add(e);
        }
        if (e instanceof Closed) {
            closed = true;
        }
        record(e);
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

    /** The next event, which must be of this type and match. */
    <T extends Event> T await(Class<T> type, Predicate<T> match, Duration timeout) {
        return expectNext(type, "matching " + type.getSimpleName(), match, timeout);
    }

    /** The next event, which must be of this type. */
    <T extends Event> T await(Class<T> type, Duration timeout) {
        return next(type, timeout);
    }

    /** Dialing or answering until up: CONNECTING, then the chat channel open and CONNECTED in either order. */
    void connected(Duration timeout) {
        awaitState(SessionState.CONNECTING, timeout);
        timeout(timeout).expectInAnyOrder(
                EventRecorder.event("CONNECTED", e -> e.equals(new State(SessionState.CONNECTED))),
                EventRecorder.event("chat open", e -> e.equals(new ChannelOpen(PeerSession.CHAT))));
    }

    /**
     * Teardown until the terminal callback: only state changes and channel closures may come before it,
     * so a late message or a second security error fails.
     */
    Closed closed(Duration timeout) {
        while (true) {
            Event e = next(timeout);
            if (e instanceof Closed c) return c;
            assertThat(e).as(name() + ": teardown before onClosed").matches(x -> x instanceof State || x instanceof ChannelClosed);
        }
    }

    /** The next event must be this state change. */
    void awaitState(SessionState s, Duration timeout) {
        expectNext(State.class, "state " + s, e -> e.state() == s, timeout);
    }

    /** The next event must be this channel opening. */
    void awaitOpen(String label, Duration timeout) {
        expectNext(ChannelOpen.class, "open " + label, e -> e.label().equals(label), timeout);
    }

    /** The next n events must be messages on a label; returned in arrival order. */
    List<Message> awaitMessages(String label, int n, Duration timeout) {
        List<Message> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.size() < n) {
            long left = Math.max(1, deadline - System.nanoTime());
            out.add(expectNext(Message.class, "message " + out.size() + " on " + label, m -> m.label().equals(label), Duration.ofNanos(left)));
        }
        return out;
    }

    long count(Predicate<Event> p) {
        return history().stream().filter(p).count();
    }

    /** Every recorder must end clean: nothing after onClosed, everything on the session thread. */
    void assertContract() {
        assertThat(afterClose).as(name() + ": events after onClosed").isEmpty();
        assertThat(threads()).as(name() + ": listener threads").allMatch(t -> t.startsWith("parley-rtc-"));
    }
}
