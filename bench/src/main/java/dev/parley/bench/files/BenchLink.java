package dev.parley.bench.files;

import dev.parley.client.internal.rtc.DescriptionType;
import dev.parley.client.internal.rtc.PeerSession;
import dev.parley.client.internal.rtc.SignalingChannel;
import dev.parley.client.internal.session.PeerFeature;
import dev.parley.client.internal.session.SessionLink;
import dev.parley.protocol.PeerId;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One PeerSession as a PeerLink for one PeerFeature (a {@link SessionLink} with a latch for the link
 * coming up), plus in-memory signaling on its own thread.
 */
final class BenchLink extends SessionLink {
    final CountDownLatch linkUp = new CountDownLatch(1);

    BenchLink(PeerId remote, PeerFeature feature) {
        super(remote, feature);
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
    public void onChannelOpen(PeerSession s, String label) {
        super.onChannelOpen(s, label);
        if (PeerSession.CHAT.equals(label)) linkUp.countDown();
    }
}
