package dev.parley.client.internal.rtc;

import java.util.Objects;

/**
 * Why a {@link PeerSession} ended, as passed to {@link PeerSessionListener#onClosed}.
 *
 * @param kind   machine-readable cause
 * @param detail human-readable detail for logs
 */
public record CloseReason(Kind kind, String detail) {

    public CloseReason {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }

    public enum Kind {
        /** {@link PeerSession#close()} was called on this side. */
        LOCAL,
        /** The peer hung up: its chat channel closed. */
        REMOTE_CLOSED,
        /** ICE failed and the restart budget ran out. */
        ICE_FAILED,
        /** The session never reached "connected" within {@link RtcConfig#connectTimeout()}. */
        CONNECT_TIMEOUT,
        /** The {@link DescriptionVerifier} rejected a remote description before we connected. */
        SECURITY,
        /** The owning {@link RtcRuntime} was closed. */
        RUNTIME_CLOSED,
        /** A WebRTC operation failed unexpectedly. */
        ERROR
    }
}
