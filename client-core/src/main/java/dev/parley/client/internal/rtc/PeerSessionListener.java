package dev.parley.client.internal.rtc;

/**
 * Events of one {@link PeerSession}. Every method is called on that session's executor thread, one
 * at a time and in order; do not block in them (it stalls the session). Exceptions thrown here are
 * logged and swallowed. After {@link #onClosed} no further calls are made for this session.
 */
public interface PeerSessionListener {

    /** Connection state changed (consecutive duplicates are suppressed). */
    default void onStateChange(PeerSession session, SessionState state) {
    }

    /** A data channel became open; the chat channel is {@link PeerSession#CHAT}. */
    default void onChannelOpen(PeerSession session, String label) {
    }

    /** A data channel closed. */
    default void onChannelClosed(PeerSession session, String label) {
    }

    /** A message arrived; {@code data} is a private copy. */
    default void onMessage(PeerSession session, String label, byte[] data, boolean binary) {
    }

    /** A remote description was rejected by the {@link DescriptionVerifier} and not applied. */
    default void onSecurityError(PeerSession session, String reason) {
    }

    /** Terminal: the session is closed and its connection released. No further calls follow. */
    default void onClosed(PeerSession session, CloseReason reason) {
    }
}
