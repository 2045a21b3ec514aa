package dev.parley.protocol.peer;

import java.util.Objects;
import java.util.UUID;

/** The callee refused {@code callId}. */
public record CallDecline(UUID callId) implements PeerMessage {
    public CallDecline {
        Objects.requireNonNull(callId, "callId");
    }

    @Override
    public void accept(Handler h) {
        h.callDecline(this);
    }
}
