package dev.parley.client.internal.call;

import dev.parley.client.internal.rtc.DescriptionType;
import dev.parley.client.internal.rtc.PeerSession;
import dev.parley.client.internal.rtc.SignalingChannel;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * One direction of in-memory signaling. Delivers on its own thread, never straight from the sender:
 * calling the other factory from a WebRTC callback can deadlock both (shared notes §3).
 */
final class LoopSignaling implements SignalingChannel {
    private final ExecutorService thread;
    private volatile PeerSession target;

    LoopSignaling(String name) {
        thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "pipe-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    void connectTo(PeerSession target) {
        this.target = target;
    }

    @Override
    public void sendDescription(DescriptionType type, String sdp) {
        thread.execute(() -> target.onRemoteDescription(type, sdp, null));
    }

    @Override
    public void sendCandidate(String candidate, String sdpMid, int sdpMLineIndex) {
        thread.execute(() -> target.onRemoteCandidate(candidate, sdpMid, sdpMLineIndex));
    }

    void shutdown() throws InterruptedException {
        thread.shutdownNow();
        thread.awaitTermination(5, TimeUnit.SECONDS);
    }
}
