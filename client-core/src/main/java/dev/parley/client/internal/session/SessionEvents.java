package dev.parley.client.internal.session;

import dev.parley.protocol.PeerId;

/** What the {@link SessionManager} reports upward to the client facade. Any thread; must not block. */
public interface SessionEvents {
    default void onServerOnline(PeerId me, boolean resumed) {}

    default void onServerOffline(String reason, long retryInMs) {}

    default void onPresence(PeerId peer, boolean online) {}

    /** {@code state} is one of connecting, connected, reconnecting, closed. */
    default void onSessionState(PeerId peer, String state, String detail) {}

    /** Something about a peer failed a security check; the user must be told. */
    default void onSecurityWarning(PeerId peer, String reason) {}

    /** A peer who is not a contact tried to open a session; it was refused. */
    default void onStrangerRefused(PeerId peer) {}
}
