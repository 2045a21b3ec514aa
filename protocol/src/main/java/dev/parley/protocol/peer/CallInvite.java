package dev.parley.protocol.peer;

import java.util.Objects;
import java.util.UUID;

/**
 * "Ring me": the sender starts a 1:1 voice call. The caller's identity is the verified peer of the
 * session this arrives on, so it is not repeated here. {@code callId} is chosen by the caller and
 * names the call in every later call message.
 */
public record CallInvite(UUID callId, long sentAtMs) implements PeerMessage {
    public CallInvite {
        Objects.requireNonNull(callId, "callId");
    }

    @Override
    public void accept(Handler h) {
        h.callInvite(this);
    }
}
