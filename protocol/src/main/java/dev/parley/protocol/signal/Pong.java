package dev.parley.protocol.signal;

/** The answer to {@link Ping}, echoing its id. */
public record Pong(String id) implements ServerMessage {
    @Override
    public void accept(ServerMessage.Handler h) {
        h.pong(this);
    }
}
