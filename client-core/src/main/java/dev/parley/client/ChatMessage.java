package dev.parley.client;


import java.time.Instant;
import java.util.Objects;

/**
 * One chat message as stored on this device. {@code seq} is the sender's per-conversation sequence
 * number; {@code sentAt} is the sender's clock (untrusted for incoming), {@code storedAt} ours.
 * {@code deliveredAt} (outgoing: when the peer acknowledged storing it) and {@code readAt} (outgoing:
 * its read receipt; incoming: when we marked it read) are our clock, null until it happens.
 */
public record ChatMessage(
        MessageId id,
        PeerId peer,
        Direction direction,
        long seq,
        String text,
        Instant sentAt,
        Instant storedAt,
        MessageState state,
        Instant deliveredAt,
        Instant readAt) {
    public ChatMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(sentAt, "sentAt");
        Objects.requireNonNull(storedAt, "storedAt");
        Objects.requireNonNull(state, "state");
        if (seq < 1) throw new IllegalArgumentException("seq starts at 1");
        if (!state.validFor(direction)) throw new IllegalArgumentException(state + " is not a state of an " + direction + " message");
    }
}
