package dev.parley.client.internal.signaling;

import dev.parley.protocol.signal.ErrorMessage;
import dev.parley.protocol.signal.IceServers;
import dev.parley.protocol.signal.Presence;
import dev.parley.protocol.signal.Relayed;
import dev.parley.protocol.signal.Welcome;

/**
 * Events from a {@link SignalingClient}, all delivered in order on the client's one event thread,
 * never on the WebSocket thread. Methods have no-op defaults. {@link #onClosed()} is the terminal
 * callback: no further calls are made after it.
 */
public interface SignalingListener {
    /** Logged in (again). Presence of the watch set follows as {@link #onPresence}. */
    default void onOnline(Welcome welcome) {}

    /** The connection dropped or could not be made; {@code retryInMs} &lt; 0 means no automatic retry. */
    default void onOffline(String reason, long retryInMs) {}

    default void onRelayed(Relayed message) {}

    default void onPresence(Presence presence) {}

    default void onIceServers(IceServers servers) {}

    /** A non-fatal error about something this client sent (e.g. {@code peer_offline}). */
    default void onError(ErrorMessage error) {}

    default void onClosed() {}
}
