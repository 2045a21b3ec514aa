package dev.parley.protocol.peer;

import java.util.Objects;
import java.util.UUID;

/**
 * Either side ends the answered call {@code callId}. {@code reason} is {@link #NORMAL} (the user hung
 * up), {@link #MEDIA_TIMEOUT} (no audio from the peer for too long) or {@link #ERROR}.
 */
public record CallHangup(UUID callId, String reason) implements PeerMessage {
    public static final String NORMAL = "normal";
    public static final String MEDIA_TIMEOUT = "media-timeout";
    public static final String ERROR = "error";

    public CallHangup {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public void accept(Handler h) {
        h.callHangup(this);
    }
}
