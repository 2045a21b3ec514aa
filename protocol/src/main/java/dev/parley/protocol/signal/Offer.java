package dev.parley.protocol.signal;

import dev.parley.protocol.PeerId;

/**
 * An SDP offer (RFC 8829) for {@code to}, signed end to end by {@code proof}; the server relays it unread.
 * Required: {@code to}, {@code sdp}, {@code proof}; {@code id} is optional (see {@link CorrelationId}).
 */
public record Offer(PeerId to, PeerId from, String id, String sdp, SdpProof proof, String mark) implements Relayed {
    public Offer {
        CorrelationId.require("to", to);
        CorrelationId.check(id);
        CorrelationId.require("sdp", sdp);
        CorrelationId.require("proof", proof);
        DeliveryMark.check(mark);
    }

    /** As a client sends it, or a server delivers it without a {@link DeliveryMark}. */
    public Offer(PeerId to, PeerId from, String id, String sdp, SdpProof proof) {
        this(to, from, id, sdp, proof, null);
    }

    @Override
    public Offer withFrom(PeerId from) {
        return new Offer(to, from, id, sdp, proof, mark);
    }

    @Override
    public void accept(ClientMessage.Handler h) {
        h.offer(this);
    }

    @Override
    public void accept(ServerMessage.Handler h) {
        h.offer(this);
    }
}
