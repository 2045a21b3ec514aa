package dev.parley.protocol.signal;

import java.util.List;

/** The ICE servers to use now; {@code ttlSeconds} says when TURN credentials expire (0: they don't). */
public record IceServers(List<IceServer> iceServers, long ttlSeconds) implements ServerMessage {
    public IceServers {
        iceServers = iceServers == null ? List.of() : List.copyOf(iceServers);
    }

    @Override
    public void accept(ServerMessage.Handler h) {
        h.iceServers(this);
    }
}
