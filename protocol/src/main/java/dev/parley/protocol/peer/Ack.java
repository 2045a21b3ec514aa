package dev.parley.protocol.peer;

import java.util.List;
import java.util.UUID;

/**
 * The receiver has stored these messages (the "delivered" receipt). Sent only after the receiver's
 * database commit, and again for duplicates, so the sender can drop them from its outbox.
 */
public record Ack(List<UUID> ids) implements PeerMessage {
    public Ack {
        ids = ids == null ? List.of() : List.copyOf(ids);
    }

    @Override
    public void accept(Handler h) {
        h.ack(this);
    }
}
