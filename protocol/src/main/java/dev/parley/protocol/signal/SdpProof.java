package dev.parley.protocol.signal;

import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.IdentityKey;

/**
 * The end-to-end signature on an offer or answer (see {@link dev.parley.protocol.crypto.SdpProofPayload}).
 * {@code sessionId} (16 bytes) and {@code signature} (64 bytes) are base64url; all fields are required.
 * The receiver rebuilds everything else it signs from the SDP and its own state.
 */
public record SdpProof(IdentityKey publicKey, String sessionId, long seq, long timestampMs, String signature) {
    public SdpProof {
        CorrelationId.require("publicKey", publicKey);
        CorrelationId.sessionId("sessionId", sessionId);
        CorrelationId.require("signature", signature);
        Base64Url.decode("signature", signature, IdentityKey.SIGNATURE_LENGTH);
    }
}
