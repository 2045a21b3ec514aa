package dev.parley.protocol.signal;

import dev.parley.protocol.PeerId;

/** An SDP offer (RFC 8829) for {@code to}, signed end to end by {@code proof}; the server relays it unread. */
public record Offer(PeerId to, PeerId from, String id, String sdp, SdpProof proof) implements Relayed {
    @Override
    public Offer withFrom(PeerId from) {
        return new Offer(to, from, id, sdp, proof);
    }
}
