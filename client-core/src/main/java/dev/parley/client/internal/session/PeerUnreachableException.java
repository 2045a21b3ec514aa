package dev.parley.client.internal.session;

import dev.parley.protocol.PeerId;

import java.time.Duration;

/** No verified session to the peer came up in time: it is offline, unreachable, or not a dialable contact. */
public final class PeerUnreachableException extends RuntimeException {
    private final transient PeerId peer;

    public PeerUnreachableException(PeerId peer, Duration waited) {
        super("cannot reach " + peer.shortForm() + " (waited " + waited.toSeconds() + " s): is the contact online?");
        this.peer = peer;
    }

    public PeerId peer() {
        return peer;
    }
}
