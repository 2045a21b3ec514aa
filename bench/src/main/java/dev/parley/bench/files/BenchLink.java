package dev.parley.bench.files;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.client.internal.rtc.CloseReason;
import dev.parley.client.internal.rtc.DescriptionType;
import dev.parley.client.internal.rtc.PeerSession;
import dev.parley.client.internal.rtc.PeerSessionListener;
import dev.parley.client.internal.rtc.SignalingChannel;
import dev.parley.client.internal.session.PeerFeature;
import dev.parley.client.internal.session.PeerLink;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.peer.PeerMessage;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Bench-only stand-in for the session manager: one PeerSession as a PeerLink for one PeerFeature, plus
 * in-memory signaling on its own thread. (A copy of the test adapter; the real one lands with ParleyClient.)
 */
final class BenchLink implements PeerSessionListener, PeerLink {
    static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final PeerId remote;
    private final PeerFeature feature;
    volatile PeerSession session;
    private volatile boolean up;
    final CountDownLatch linkUp = new CountDownLatch(1);

    BenchLink(PeerId remote, PeerFeature feature) {
        this.remote = remote;
        this.feature = feature;
    }

    /** Signaling into {@code target}, delivered on its own thread (never from a WebRTC callback). */
    static final class Relay implements SignalingChannel {
        private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bench-relay");
            t.setDaemon(true);
            return t;
        });
        volatile PeerSession target;

        @Override
        public void sendDescription(DescriptionType type, String sdp) {
            thread.execute(() -> target.onRemoteDescription(type, sdp, null));
        }

        @Override
        public void sendCandidate(String candidate, String sdpMid, int sdpMLineIndex) {
            thread.execute(() -> target.onRemoteCandidate(candidate, sdpMid, sdpMLineIndex));
        }
    }

    @Override
    public PeerId peer() {
        return remote;
    }

    @Override
    public boolean sendControl(PeerMessage message) {
        try {
            return up && session.sendText(PeerSession.CHAT, JSON.writeValueAsString(message));
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void openChannel(String label, boolean ordered) {
        session.openChannel(label, ordered);
    }

    @Override
    public void closeChannel(String label) {
        session.closeChannel(label);
    }

    @Override
    public boolean sendBinary(String label, byte[] data) {
        return up && session.send(label, data);
    }

    @Override
    public long bufferedAmount(String label) {
        return up ? session.getBufferedAmount(label) : -1;
    }

    @Override
    public void onChannelOpen(PeerSession s, String label) {
        if (PeerSession.CHAT.equals(label)) {
            up = true;
            feature.onLinkUp(this);
            linkUp.countDown();
        } else {
            feature.onChannelOpen(remote, label);
        }
    }

    @Override
    public void onChannelClosed(PeerSession s, String label) {
        if (!PeerSession.CHAT.equals(label)) {
            feature.onChannelClosed(remote, label);
        }
    }

    @Override
    public void onMessage(PeerSession s, String label, byte[] data, boolean binary) {
        if (!PeerSession.CHAT.equals(label)) {
            feature.onChannelMessage(remote, label, data, binary);
        } else if (!binary) {
            try {
                feature.onControl(remote, JSON.readValue(new String(data, StandardCharsets.UTF_8), PeerMessage.class));
            } catch (Exception ignored) {
                // unknown message type
            }
        }
    }

    @Override
    public void onClosed(PeerSession s, CloseReason reason) {
        if (up) {
            up = false;
            feature.onLinkDown(remote);
        }
    }
}
