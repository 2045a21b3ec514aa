package dev.parley.client.internal.store;

import dev.parley.client.MessageId;
import dev.parley.protocol.PeerId;

import java.time.Instant;
import java.util.Objects;

/** A chat message as received from {@code from} (already authenticated by the session), before storing. */
public record IncomingMessage(MessageId id, PeerId from, long seq, String text, Instant sentAt) {
    public IncomingMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(sentAt, "sentAt");
        if (seq < 1) throw new IllegalArgumentException("seq starts at 1");
        MessageStore.checkText(text);
    }
}
