package dev.parley.protocol.peer;

import java.util.Objects;
import java.util.UUID;

/**
 * The caller withdrew {@code callId} before it was answered. {@code reason} is
 * {@link #CALLER} (hung up while ringing) or {@link #NO_ANSWER} (the ring timeout ran out).
 */
public record CallCancel(UUID callId, String reason) implements PeerMessage {
    public static final String CALLER = "caller";
    public static final String NO_ANSWER = "no-answer";

    public CallCancel {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public void accept(Handler h) {
        h.callCancel(this);
    }
}
