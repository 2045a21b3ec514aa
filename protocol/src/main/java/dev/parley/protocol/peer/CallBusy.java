package dev.parley.protocol.peer;

import java.util.Objects;
import java.util.UUID;

/** The callee is already in (or ringing for) another call, so {@code callId} is refused. */
public record CallBusy(UUID callId) implements PeerMessage {
    public CallBusy {
        Objects.requireNonNull(callId, "callId");
    }

    @Override
    public void accept(Handler h) {
        h.callBusy(this);
    }
}
