package dev.parley.protocol.signal;

import dev.parley.protocol.PeerId;

/** An SDP answer (RFC 8829) for {@code to}, signed end to end by {@code proof}. */
public record Answer(PeerId to, PeerId from, String id, String sdp, SdpProof proof) implements Relayed {
    @Override
    public Answer withFrom(PeerId from) {
        return new Answer(to, from, id, sdp, proof);
    }
}
