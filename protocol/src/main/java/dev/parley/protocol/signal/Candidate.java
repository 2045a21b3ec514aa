package dev.parley.protocol.signal;

import dev.parley.protocol.PeerId;

/**
 * One trickled ICE candidate (RFC 8838) for {@code to}, with the fields of W3C {@code RTCIceCandidateInit}
 * that {@code RTCIceCandidate.toJSON()} emits. Not signed: a forged candidate can only fail to connect,
 * because DTLS checks the certificate against the signed fingerprint.
 *
 * <p>Required: {@code to}, {@code sessionId} (the 16-byte base64url session id of the signed session
 * it belongs to: the sender's own, as in its offers and answers) and {@code candidate} (the
 * {@code candidate:...} attribute text; an empty string signals end of candidates). Optional:
 * {@code id}, {@code sdpMid}, {@code sdpMLineIndex} (0 to 65535), {@code usernameFragment}.
 */
public record Candidate(PeerId to, PeerId from, String id, String sessionId, String candidate, String sdpMid,
                        Integer sdpMLineIndex, String usernameFragment, String mark) implements Relayed {
    public Candidate {
        CorrelationId.require("to", to);
        CorrelationId.check(id);
        CorrelationId.sessionId("sessionId", sessionId);
        CorrelationId.require("candidate", candidate);
        if (sdpMLineIndex != null && (sdpMLineIndex < 0 || sdpMLineIndex > 65535)) {
            throw new IllegalArgumentException("'sdpMLineIndex' must be 0 to 65535");
        }
        DeliveryMark.check(mark);
    }

    /** As a client sends it, or a server delivers it without a {@link DeliveryMark}. */
    public Candidate(PeerId to, PeerId from, String id, String sessionId, String candidate, String sdpMid,
                     Integer sdpMLineIndex, String usernameFragment) {
        this(to, from, id, sessionId, candidate, sdpMid, sdpMLineIndex, usernameFragment, null);
    }

    /** A candidate without {@code usernameFragment} (Parley's own client does not send one). */
    public Candidate(PeerId to, PeerId from, String id, String sessionId, String candidate, String sdpMid,
                     Integer sdpMLineIndex) {
        this(to, from, id, sessionId, candidate, sdpMid, sdpMLineIndex, null, null);
    }

    /** True for the end-of-candidates message (an empty {@code candidate}). */
    public boolean endOfCandidates() {
        return candidate.isEmpty();
    }

    @Override
    public Candidate withFrom(PeerId from) {
        return new Candidate(to, from, id, sessionId, candidate, sdpMid, sdpMLineIndex, usernameFragment, mark);
    }

    @Override
    public void accept(ClientMessage.Handler h) {
        h.candidate(this);
    }

    @Override
    public void accept(ServerMessage.Handler h) {
        h.candidate(this);
    }
}
