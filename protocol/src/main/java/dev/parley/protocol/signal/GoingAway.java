package dev.parley.protocol.signal;

/** The server is shutting down: reconnect after {@code reconnectAfterMs} (with jitter); sessions stay up. */
public record GoingAway(String reason, long reconnectAfterMs) implements ServerMessage {
    @Override
    public void accept(ServerMessage.Handler h) {
        h.goingAway(this);
    }
}
