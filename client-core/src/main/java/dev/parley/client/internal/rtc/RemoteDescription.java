package dev.parley.client.internal.rtc;

import java.util.Objects;
import java.util.Optional;

/**
 * A remote description as handed to a {@link DescriptionVerifier}, before it is applied.
 *
 * @param type             offer or answer
 * @param sdp              the SDP text exactly as received
 * @param proofContext     whatever the signaling layer passed with it (e.g. a signature); opaque here
 * @param localFingerprint our own DTLS certificate fingerprint, once we have a local description
 *                         (always present when {@code type} is ANSWER), for binding both parties
 */
public record RemoteDescription(DescriptionType type, String sdp, Object proofContext,
                                Optional<SdpFingerprints.Fingerprint> localFingerprint) {
    public RemoteDescription {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(sdp, "sdp");
        Objects.requireNonNull(localFingerprint, "localFingerprint");
    }
}
