package dev.parley.client;

import dev.parley.protocol.PeerId;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Records every {@link ParleyListener} event in a queue; tests wait (bounded) for the ones they expect,
 * OkHttp-recorder style. Events that don't match are kept for later waits.
 */
final class EventRecorder implements ParleyListener {
    static final Duration WAIT = Duration.ofSeconds(20);

    sealed interface Event permits Message, State, Typing, Presence, Session, Server, Security, Closed {}

    record Message(ChatMessage message) implements Event {}

    record State(MessageId id, PeerId peer, MessageState state) implements Event {}

    record Typing(PeerId peer, boolean typing) implements Event {}

    record Presence(PeerId peer, boolean online) implements Event {}

    record Session(PeerId peer, String state, String detail) implements Event {}

    record Server(boolean online, String detail) implements Event {}

    record Security(PeerId peer, String reason) implements Event {}

    record Closed() implements Event {}

    private final LinkedBlockingDeque<Event> events = new LinkedBlockingDeque<>();
    private final List<Event> all = java.util.Collections.synchronizedList(new ArrayList<>());

    private void add(Event e) {
        all.add(e);
        events.add(e);
    }

    @Override
    public void onMessage(ChatMessage message) {
        add(new Message(message));
    }

    @Override
    public void onMessageState(MessageId id, PeerId peer, MessageState state) {
        add(new State(id, peer, state));
    }

    @Override
    public void onTyping(PeerId peer, boolean typing) {
        add(new Typing(peer, typing));
    }

    @Override
    public void onPresence(PeerId peer, boolean online) {
        add(new Presence(peer, online));
    }

    @Override
    public void onSessionState(PeerId peer, SessionStatus state, String detail) {
        add(new Session(peer, state.wire(), detail));
    }

    @Override
    public void onServerState(ServerStatus status) {
        add(new Server(status.online(), status.describe()));
    }

    @Override
    public void onSecurityWarning(PeerId peer, String reason) {
        add(new Security(peer, reason));
    }

    @Override
    public void onClosed() {
        add(new Closed());
    }

    /** Waits for the first event of {@code type} matching {@code p}; earlier non-matching events stay queued. */
    <T extends Event> T await(Class<T> type, Predicate<T> p) throws InterruptedException {
        return await(type, p, WAIT);
    }

    <T extends Event> T await(Class<T> type, Predicate<T> p, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Event> skipped = new ArrayList<>();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                Event e = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
                if (e == null) {
                    throw new AssertionError("no " + type.getSimpleName() + " matching within " + timeout + "; saw " + snapshot());
                }
                if (type.isInstance(e) && p.test(type.cast(e))) return type.cast(e);
                skipped.add(e);
            }
        } finally {
            for (int i = skipped.size() - 1; i >= 0; i--) events.addFirst(skipped.get(i));
        }
    }

    <T extends Event> T await(Class<T> type) throws InterruptedException {
        return await(type, e -> true);
    }

    /** Every event so far, in order. */
    List<Event> snapshot() {
        synchronized (all) {
            return List.copyOf(all);
        }
    }

    /** Events of a type so far. */
    <T extends Event> List<T> seen(Class<T> type) {
        return snapshot().stream().filter(type::isInstance).map(type::cast).toList();
    }
}
