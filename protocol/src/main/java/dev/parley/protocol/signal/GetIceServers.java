package dev.parley.protocol.signal;

/** Asks for fresh ICE servers (TURN credentials expire); answered by {@link IceServers}. */
public record GetIceServers() implements ClientMessage {
    @Override
    public void accept(ClientMessage.Handler h) {
        h.getIceServers(this);
    }
}
