package dev.parley.client.internal.rtc;

import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceGatheringState;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import lombok.extern.slf4j.Slf4j;

/**
 * A session's {@link PeerConnectionObserver}. Runs on the factory's signaling thread: copies what it
 * needs, hands it to the session loop (or, for a new channel, to {@link DataChannels}), never blocks,
 * and catches everything, since an exception escaping a callback aborts the JVM (shared notes §3).
 */
@Slf4j
final class ConnectionObserver implements PeerConnectionObserver {

    private final SessionLoop loop;
    private volatile Negotiation negotiation;
    private volatile DataChannels channels;

    ConnectionObserver(SessionLoop loop) {
        this.loop = loop;
    }

    /** Once, right after the connection exists; no callback comes before anything is negotiated. */
    void bind(Negotiation negotiation, DataChannels channels) {
        this.negotiation = negotiation;
        this.channels = channels;
    }

    @Override
    public void onIceCandidate(RTCIceCandidate c) {
        try {
            String sdp = c.sdp;
            String mid = c.sdpMid;
            int index = c.sdpMLineIndex;
            loop.post("send candidate", () -> negotiation.sendCandidate(sdp, mid, index));
        } catch (Throwable t) {
            log.error("onIceCandidate", t);
        }
    }

    @Override
    public void onIceGatheringChange(RTCIceGatheringState state) {
        try {
            if (state == RTCIceGatheringState.COMPLETE) {
                loop.post("end of candidates", () -> negotiation.sendEndOfCandidates());
            }
        } catch (Throwable t) {
            log.error("onIceGatheringChange", t);
        }
    }

    @Override
    public void onConnectionChange(RTCPeerConnectionState state) {
        try {
            loop.post("connection state " + state, () -> negotiation.onConnectionState(state));
        } catch (Throwable t) {
            log.error("onConnectionChange", t);
        }
    }

    @Override
    public void onRenegotiationNeeded() {
        try {
            loop.post("negotiation", () -> negotiation.renegotiate());
        } catch (Throwable t) {
            log.error("onRenegotiationNeeded", t);
        }
    }

    @Override
    public void onDataChannel(RTCDataChannel dc) {
        try {
            channels.onRemoteChannel(dc);
        } catch (Throwable t) {
            log.error("onDataChannel", t);
        }
    }
}
