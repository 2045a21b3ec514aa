package dev.parley.client.internal.rtc;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCRtpSender;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCRtpTransceiverDirection;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import dev.onvoid.webrtc.media.audio.AudioOptions;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.AudioTrackSink;
import dev.onvoid.webrtc.media.audio.AudioTrackSource;
import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import dev.parley.client.internal.audio.AudioSendGate;
import dev.parley.client.internal.audio.AudioStatsSample;
import dev.parley.client.internal.audio.PeerAudio;
import dev.parley.client.internal.audio.RemoteAudioSink;
import lombok.extern.slf4j.Slf4j;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The audio of one session (a call): its one audio transceiver, kept once created and re-enabled for
 * later calls; the send gate around every native step that can restart the headless recorder; the
 * remote audio sink; audio statistics. Changes run on the session loop; {@link #push} runs on the
 * caller's pump thread, the remote sink on WebRTC's playout thread.
 *
 * <p>Between calls the m=audio section stays {@code sendrecv} and only our track is detached
 * ({@code replaceTrack(null)}), which stops the native send stream: no RTP, and with a device ADM no
 * microphone. It is never made {@code inactive}: an inactive description removes the channel's send and
 * receive streams, and re-activating it re-creates them with the same SSRCs, which the native
 * sender and receiver take for "unchanged" — the new send stream gets no source and the new receive
 * stream no sink, so a second call on the session would carry no audio either way
 * (docs/calls.md § Later calls on one session). So only the first call renegotiates.
 */
@Slf4j
final class SessionAudio implements PeerAudio {

    private final SessionLoop loop;
    private final PeerConnectionFactory factory;
    private final RTCPeerConnection pc;
    private final AudioSendGate gate;
    private final Negotiation negotiation;
    private final Supplier<CompletionStage<RTCStatsReport>> statsSource;

    /** The track source we push into (headless); read by the pump thread. */
    private volatile CustomAudioSource pushSource;
    /** Where the peer's audio goes; null between calls. Read on the playout thread. */
    private volatile RemoteAudioSink remoteSink;
    private final AudioTrackSink sinkAdapter = this::onRemoteAudio;

    // ---- confined to the loop ----
    private boolean audioWanted;
    private AudioTrackSource localAudioSource;
    private AudioTrack localAudioTrack;
    private RTCRtpTransceiver audioTransceiver;
    private RTCRtpSender audioSender;
    private AudioTrack remoteAudioTrack;
    private final List<CompletableFuture<Void>> audioWaiters = new ArrayList<>();

    SessionAudio(SessionLoop loop, PeerConnectionFactory factory, RTCPeerConnection pc, AudioSendGate gate,
                 Negotiation negotiation, Supplier<CompletionStage<RTCStatsReport>> statsSource) {
        this.loop = loop;
        this.factory = factory;
        this.pc = pc;
        this.gate = gate;
        this.negotiation = negotiation;
        this.statsSource = statsSource;
    }

    @Override
    public boolean headless() {
        return gate.headless();
    }

    /** See {@link PeerSession#startAudio}. */
    @Override
    public CompletionStage<Void> start(RemoteAudioSink sink) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.post("start audio", () -> {
            if (loop.closing() || !negotiation.everConnected()) {
                done.completeExceptionally(loop.closing() ? new SessionClosedException("session closed")
                        : new IllegalStateException("session not connected yet"));
                return;
            }
            remoteSink = sink;
            gate.around(() -> {
                enableAudioTransceiver();
                return null;
            });
            audioWanted = true;
            audioWaiters.add(done);
            negotiation.renegotiate();
            settled();
        });
        if (loop.isShutdown() && !done.isDone()) {
            done.completeExceptionally(new SessionClosedException("session closed"));
        }
        return done;
    }

    /** See {@link PeerSession#pushAudio}. */
    @Override
    public boolean push(byte[] pcm, int sampleRate, int channels) {
        CustomAudioSource src = pushSource;
        int frames = sampleRate / 100;
        if (src == null || sampleRate % 100 != 0 || channels < 1 || channels > 2
                || pcm.length != frames * channels * 2) {
            return false; // 20 ms frames are silently dropped by the native side (shared notes §2)
        }
        return gate.push(() -> loop.readNative(() -> {
            if (pushSource != src) {
                return false;
            }
            src.pushAudio(pcm, 16, sampleRate, channels, frames);
            return true;
        }, false));
    }

    /** See {@link PeerSession#stopAudio}. */
    @Override
    public void stop() {
        loop.post("stop audio", () -> {
            remoteSink = null;
            pushSource = null;
            if (loop.closing() || audioTransceiver == null || !audioWanted) {
                audioWanted = false;
                return;
            }
            audioWanted = false;
            gate.around(() -> {
                audioSender.replaceTrack(null); // stops the send stream; the direction stays (see class doc)
                return null;
            });
            IllegalStateException stopped = new IllegalStateException("audio stopped");
            audioWaiters.forEach(w -> w.completeExceptionally(stopped));
            audioWaiters.clear();
        });
    }

    /** See {@link PeerSession#setAudioMuted}. */
    @Override
    public void setMuted(boolean muted) {
        loop.post("mute " + muted, () -> {
            if (!loop.closing() && localAudioTrack != null) {
                gate.around(() -> {
                    localAudioTrack.setEnabled(!muted);
                    return null;
                });
            }
        });
    }

    @Override
    public CompletionStage<AudioStatsSample> stats() {
        return statsSource.get().thenApply(AudioStatsSample::from);
    }

    // ---- negotiation hooks (on the loop) ----

    /**
     * Audio's reason to negotiate: we want audio and the local description does not send it (the first
     * call, or a peer that made the section inactive). Ending a call never renegotiates (class doc).
     */
    boolean needsNegotiation(String localSdp) {
        return audioTransceiver != null && audioWanted && !audioSends(localSdp);
    }

    /** Completes the callers of {@link #start} once a settled negotiation sends our audio. */
    void settled() {
        String localSdp = negotiation.localSdp();
        if (audioWanted && !audioWaiters.isEmpty() && negotiation.settledInStable()
                && localSdp != null && audioSends(localSdp)) {
            audioWaiters.forEach(w -> w.complete(null));
            audioWaiters.clear();
        }
    }

    /** Whether the m=audio section of {@code sdp} exists, is not rejected, and sends (RFC 8866 §6.7). */
    static boolean audioSends(String sdp) {
        for (String section : sdp.split("\r?\nm=")) {
            if (!section.startsWith("audio ") || section.startsWith("audio 0 ")) {
                continue;
            }
            if (section.contains("\na=sendrecv") || section.contains("\na=sendonly")) {
                return true;
            }
        }
        return false;
    }

    // ---- close (on the loop) ----

    /** Before the connection closes: no more pushes or sink calls; the sink goes first (shared notes §4). */
    void detach() {
        remoteSink = null;
        pushSource = null;
        if (remoteAudioTrack != null) {
            try {
                remoteAudioTrack.removeSink(sinkAdapter);
            } catch (Throwable t) {
                log.debug("removing the audio sink of {}", loop.remotePeerId(), t);
            }
        }
    }

    /** After the connection closed: whoever waits for audio learns why. */
    void closed(IllegalStateException gone) {
        audioWaiters.forEach(w -> w.completeExceptionally(gone));
        audioWaiters.clear();
    }

    // ---- native ----

    /** Under the audio gate. Creates the local track once, then (re)attaches it to our audio transceiver. */
    private void enableAudioTransceiver() {
        if (localAudioTrack == null) {
            if (gate.headless()) {
                localAudioSource = new CustomAudioSource();
            } else {
                AudioOptions options = new AudioOptions();
                options.echoCancellation = true;
                options.noiseSuppression = true;
                options.autoGainControl = true;
                options.highpassFilter = true;
                localAudioSource = factory.createAudioSource(options);
            }
            localAudioTrack = factory.createAudioTrack("parley-audio", localAudioSource);
        }
        if (audioTransceiver == null) {
            // addTrack (not addTransceiver) so that a transceiver the peer's offer already created is
            // reused, and so that ours can be matched to the peer's m=audio after a glare rollback.
            audioSender = pc.addTrack(localAudioTrack, List.of("parley"));
            for (RTCRtpTransceiver t : pc.getTransceivers()) {
                MediaStreamTrack rt = t.getReceiver().getTrack();
                if (!t.stopped() && rt != null && MediaStreamTrack.AUDIO_TRACK_KIND.equals(rt.getKind())) {
                    audioTransceiver = t;
                    break;
                }
            }
            if (audioTransceiver == null) {
                throw new IllegalStateException("addTrack created no audio transceiver");
            }
        } else {
            audioSender.replaceTrack(localAudioTrack);
            if (audioTransceiver.getDirection() != RTCRtpTransceiverDirection.SEND_RECV) {
                audioTransceiver.setDirection(RTCRtpTransceiverDirection.SEND_RECV);
            }
        }
        if (remoteAudioTrack == null) {
            // The receiver's track lives as long as the transceiver; keep this wrapper, removeSink
            // only works on the one addSink saw (shared notes §2).
            remoteAudioTrack = (AudioTrack) audioTransceiver.getReceiver().getTrack();
            remoteAudioTrack.addSink(sinkAdapter);
        }
        if (localAudioSource instanceof CustomAudioSource custom) {
            pushSource = custom;
        }
    }

    /** On the ADM playout thread: hand the frame on, never block, never throw (notes §3). */
    private void onRemoteAudio(byte[] data, int bitsPerSample, int sampleRate, int channels, int frames) {
        try {
            RemoteAudioSink sink = remoteSink;
            if (sink != null && bitsPerSample == 16) {
                sink.onFrame(data, sampleRate, channels, frames);
            }
        } catch (Throwable t) {
            log.warn("remote audio sink for {} threw", loop.remotePeerId(), t);
        }
    }
}
