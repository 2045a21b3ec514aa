package dev.parley.cli;

import dev.parley.client.ChatMessage;
import dev.parley.client.MessageId;
import dev.parley.client.MessageState;
import dev.parley.client.ParleyListener;
import dev.parley.protocol.PeerId;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Queues a client's events for a one-shot command to wait on with deadlines. Listener calls come on
 * the client's event thread and only enqueue; the command's main thread consumes.
 */
final class EventRecorder implements ParleyListener {
    sealed interface Event permits ServerState, Message, StateChange, Presence, Security, Closed {}

    record ServerState(boolean online, String detail) implements Event {}

    record Message(ChatMessage message) implements Event {}

    record StateChange(MessageId id, PeerId peer, MessageState state) implements Event {}

    record Presence(PeerId peer, boolean online) implements Event {}

    record Security(PeerId peer, String reason) implements Event {}

    record Closed() implements Event {}

    private final BlockingQueue<Event> queue = new LinkedBlockingQueue<>();

    /** The next event, or null once {@code deadlineNanos} (a {@link System#nanoTime()} value) has passed. */
    Event next(long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        return left <= 0 ? queue.poll() : queue.poll(left, TimeUnit.NANOSECONDS);
    }

    @Override
    public void onMessage(ChatMessage message) {
        queue.add(new Message(message));
    }

    @Override
    public void onMessageState(MessageId id, PeerId peer, MessageState state) {
        queue.add(new StateChange(id, peer, state));
    }

    @Override
    public void onPresence(PeerId peer, boolean online) {
        queue.add(new Presence(peer, online));
    }

    @Override
    public void onServerState(boolean online, String detail) {
        queue.add(new ServerState(online, detail));
    }

    @Override
    public void onSecurityWarning(PeerId peer, String reason) {
        queue.add(new Security(peer, reason));
    }

    @Override
    public void onClosed() {
        queue.add(new Closed());
    }
}
