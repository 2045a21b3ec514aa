package dev.parley.client.internal.rtc;

/**
 * Checks a remote description before {@code setRemoteDescription} (the hook for signed SDP; see
 * docs/security.md). Called on the session's executor, so it must not block for long.
 * A verifier that throws {@link DescriptionRejectedException} (or any RuntimeException: we fail
 * closed) stops the description from being applied and raises
 * {@link PeerSessionListener#onSecurityError}; a session that was not yet connected then closes with
 * {@link CloseReason.Kind#SECURITY}.
 */
@FunctionalInterface
public interface DescriptionVerifier {

    /** Accepts everything: for tests and for builds without the signing layer. */
    DescriptionVerifier ACCEPT_ALL = description -> { };

    void verify(RemoteDescription description) throws DescriptionRejectedException;
}
