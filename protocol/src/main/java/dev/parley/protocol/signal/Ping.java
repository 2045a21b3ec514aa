package dev.parley.protocol.signal;

/** An application-level heartbeat (browsers cannot send WebSocket pings); the server answers {@link Pong}. */
public record Ping(String id) implements ClientMessage {
    public Ping {
        CorrelationId.check(id);
    }

    @Override
    public void accept(ClientMessage.Handler h) {
        h.ping(this);
    }
}
