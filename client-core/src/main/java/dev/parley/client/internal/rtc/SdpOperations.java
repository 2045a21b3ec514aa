package dev.parley.client.internal.rtc;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.parley.client.internal.audio.AudioSendGate;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The asynchronous SDP operations of one connection, each awaited (bounded) on the session loop, never
 * on a WebRTC thread: the native observers only complete a future on the signaling thread, which we
 * never block (shared notes §3). SLD/SRD run inside the audio gate, since they can restart the headless
 * recorder (shared notes §2).
 */
final class SdpOperations {

    private final RTCPeerConnection pc;
    private final AudioSendGate gate;

    SdpOperations(RTCPeerConnection pc, AudioSendGate gate) {
        this.pc = pc;
        this.gate = gate;
    }

    RTCSessionDescription createOffer(RTCOfferOptions options) throws Exception {
        CompletableFuture<RTCSessionDescription> f = new CompletableFuture<>();
        pc.createOffer(options, new SdpCreated(f, "createOffer"));
        return await(f, "createOffer");
    }

    RTCSessionDescription createAnswer() throws Exception {
        CompletableFuture<RTCSessionDescription> f = new CompletableFuture<>();
        pc.createAnswer(new RTCAnswerOptions(), new SdpCreated(f, "createAnswer"));
        return await(f, "createAnswer");
    }

    void setLocal(RTCSessionDescription d) throws Exception {
        gate.around(() -> {
            CompletableFuture<Void> f = new CompletableFuture<>();
            pc.setLocalDescription(d, new SdpSet(f, "setLocalDescription(" + d.sdpType + ")"));
            return await(f, "setLocalDescription");
        });
    }

    void setRemote(RTCSessionDescription d) throws Exception {
        gate.around(() -> {
            CompletableFuture<Void> f = new CompletableFuture<>();
            pc.setRemoteDescription(d, new SdpSet(f, "setRemoteDescription(" + d.sdpType + ")"));
            return await(f, "setRemoteDescription");
        });
    }

    private static <T> T await(CompletableFuture<T> f, String what) throws Exception {
        try {
            return f.get(SessionLoop.OPERATION_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        } catch (TimeoutException e) {
            throw new TimeoutException(what + " did not complete in " + SessionLoop.OPERATION_TIMEOUT_MS + " ms");
        }
    }

    /** Only completes a future: runs on the signaling thread. */
    private record SdpCreated(CompletableFuture<RTCSessionDescription> f, String what)
            implements CreateSessionDescriptionObserver {
        @Override
        public void onSuccess(RTCSessionDescription d) {
            f.complete(d);
        }

        @Override
        public void onFailure(String error) {
            f.completeExceptionally(new IllegalStateException(what + ": " + error));
        }
    }

    private record SdpSet(CompletableFuture<Void> f, String what) implements SetSessionDescriptionObserver {
        @Override
        public void onSuccess() {
            f.complete(null);
        }

        @Override
        public void onFailure(String error) {
            f.completeExceptionally(new IllegalStateException(what + ": " + error));
        }
    }
}
