package dev.parley.protocol.signal;

import dev.parley.protocol.PeerId;

/**
 * One trickled ICE candidate (RFC 8838) for {@code to}. Not signed: a forged candidate can only fail
 * to connect, because DTLS checks the certificate against the signed fingerprint. {@code candidate}
 * is the {@code candidate:...} attribute text; an empty string signals end of candidates.
 */
public record Candidate(PeerId to, PeerId from, String id, String sessionId, String candidate, String sdpMid,
                        Integer sdpMLineIndex) implements Relayed {
    @Override
    public Candidate withFrom(PeerId from) {
        return new Candidate(to, from, id, sessionId, candidate, sdpMid, sdpMLineIndex);
    }
}
