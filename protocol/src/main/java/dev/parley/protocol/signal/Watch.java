package dev.parley.protocol.signal;

import dev.parley.protocol.PeerId;

import java.util.List;

/**
 * Replaces the set of peers whose presence this client wants to follow (its contacts). Presence is
 * mutual: the server reports a peer online only to clients that peer watches too.
 */
public record Watch(List<PeerId> peers) implements ClientMessage {
    public Watch {
        peers = peers == null ? List.of() : List.copyOf(peers);
    }

    @Override
    public void accept(ClientMessage.Handler h) {
        h.watch(this);
    }
}
