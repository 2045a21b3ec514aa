package dev.parley.protocol.peer;

import java.util.Objects;
import java.util.UUID;

/** The callee picked up {@code callId}; both sides now start audio (docs/calls.md). */
public record CallAccept(UUID callId) implements PeerMessage {
    public CallAccept {
        Objects.requireNonNull(callId, "callId");
    }

    @Override
    public void accept(Handler h) {
        h.callAccept(this);
    }
}
