package dev.parley.client.internal.signaling;

/** Where a {@link SignalingClient} is in its connect / log in / reconnect cycle. */
public enum SignalingState {
    /** Not started, or waiting to retry. */
    DISCONNECTED,
    /** TCP/WebSocket connect or login in progress. */
    CONNECTING,
    /** Logged in: relays and presence flow. */
    ONLINE,
    /** Another login took this identity (close 4001); no automatic reconnect. */
    REPLACED,
    /** Closed by {@link SignalingClient#close()}; terminal. */
    CLOSED
}
