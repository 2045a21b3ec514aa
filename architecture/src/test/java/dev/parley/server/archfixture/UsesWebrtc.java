package dev.parley.server.archfixture;

import dev.onvoid.webrtc.RTCPeerConnection;

/** A server class that reaches for webrtc-java, made on purpose; see RulesCanFailTest. */
public final class UsesWebrtc {
    public RTCPeerConnection connection;
}
