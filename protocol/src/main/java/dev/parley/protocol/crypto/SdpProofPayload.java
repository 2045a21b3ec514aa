package dev.parley.protocol.crypto;

import java.nio.charset.StandardCharsets;

/**
 * What a peer signs for every offer and answer, binding the DTLS certificate fingerprint(s) in the
 * SDP to its identity key and naming both parties (RFC 8844's unknown-key-share defence):
 * <pre>
 * "PARLEY-SDP-v1" ‖ kind ‖ sessionId(16) ‖ seq(u64) ‖ IK_from(32) ‖ IK_to(32) ‖
 * fp_self(32) ‖ fp_peer(32, or empty in an offer) ‖ timestampMs(u64) ‖ SHA-256(SDP text)
 * </pre>
 * The receiver rebuilds these bytes from what it knows (fp_self from the SDP it received, fp_peer
 * from its own certificate), so a relay that alters anything makes the signature fail.
 */
public final class SdpProofPayload {
    public static final String DOMAIN = "PARLEY-SDP-v1";
    public static final int SESSION_ID_LENGTH = 16;
    public static final int FINGERPRINT_LENGTH = 32;

    private SdpProofPayload() {}

    public enum Kind {
        OFFER("offer"), ANSWER("answer");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    public static byte[] bytes(Kind kind, byte[] sessionId, long seq, IdentityKey from, IdentityKey to,
                               byte[] fingerprintSelf, byte[] fingerprintPeer, long timestampMs, String sdp) {
        if (sessionId.length != SESSION_ID_LENGTH) throw new IllegalArgumentException("sessionId must be 16 bytes");
        if (fingerprintSelf.length != FINGERPRINT_LENGTH) throw new IllegalArgumentException("fp_self must be a SHA-256 fingerprint");
        byte[] peer = fingerprintPeer == null ? new byte[0] : fingerprintPeer;
        if (kind == Kind.ANSWER && peer.length != FINGERPRINT_LENGTH) throw new IllegalArgumentException("an answer names fp_peer");
        if (kind == Kind.OFFER && peer.length != 0) throw new IllegalArgumentException("an offer has no fp_peer");
        return CanonicalBytes.domain(DOMAIN).text(kind.wire()).bytes(sessionId).u64(seq)
                .bytes(from.raw()).bytes(to.raw()).bytes(fingerprintSelf).bytes(peer).u64(timestampMs)
                .bytes(Hashes.sha256(sdp.getBytes(StandardCharsets.UTF_8))).toByteArray();
    }
}
