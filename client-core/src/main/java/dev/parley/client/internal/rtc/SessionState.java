package dev.parley.client.internal.rtc;

/**
 * Connection state of a {@link PeerSession}, following RTCPeerConnectionState
 * (W3C webrtc-pc §4.3.3), which combines ICE and DTLS. {@code NEW} is never reported.
 */
public enum SessionState { CONNECTING, CONNECTED, DISCONNECTED, FAILED, CLOSED }
