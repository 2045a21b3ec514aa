package dev.parley.protocol.peer;

import java.util.List;
import java.util.UUID;

/** The user has seen these messages. */
public record ReadReceipt(List<UUID> ids) implements PeerMessage {
    public ReadReceipt {
        ids = ids == null ? List.of() : List.copyOf(ids);
    }

    @Override
    public void accept(Handler h) {
        h.readReceipt(this);
    }
}
