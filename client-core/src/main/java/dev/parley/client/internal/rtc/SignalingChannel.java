package dev.parley.client.internal.rtc;

/**
 * Outbound signaling for one {@link PeerSession}: where it sends its descriptions and candidates.
 * The signing layer wraps the real transport in one of these. Called on the session's executor;
 * implementations should not block for long and may throw (the session logs and carries on: once
 * connected it no longer needs signaling).
 */
public interface SignalingChannel {

    /** Send a local offer or answer (already applied locally). */
    void sendDescription(DescriptionType type, String sdp);

    /** Send one local ICE candidate (trickle ICE, RFC 8838 §4). */
    void sendCandidate(String candidate, String sdpMid, int sdpMLineIndex);

    /** Local gathering finished (RFC 8838 §4.4 end-of-candidates). Optional. */
    default void sendEndOfCandidates() {
    }
}
