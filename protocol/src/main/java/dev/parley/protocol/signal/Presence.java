package dev.parley.protocol.signal;

import dev.parley.protocol.PeerId;

import java.util.List;

/** Online state of watched peers: the full picture after {@link Watch}, then one entry per change. */
public record Presence(List<Entry> peers) implements ServerMessage {
    public Presence {
        peers = peers == null ? List.of() : List.copyOf(peers);
    }

    public record Entry(PeerId peer, boolean online) {
    }

    @Override
    public void accept(ServerMessage.Handler h) {
        h.presence(this);
    }
}
