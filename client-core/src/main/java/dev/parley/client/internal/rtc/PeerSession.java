package dev.parley.client.internal.rtc;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.parley.client.internal.audio.AudioSendGate;
import dev.parley.client.internal.audio.PeerAudio;
import dev.parley.client.internal.audio.RemoteAudioSink;
import dev.parley.client.internal.time.Scheduler;
import lombok.extern.slf4j.Slf4j;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One WebRTC connection to one remote peer, with a reliable ordered {@code chat} data channel and
 * optional further channels.
 *
 * <p>This is the owner that wires the session's parts: the {@link Negotiation} core (perfect
 * negotiation, verification, candidates, ICE restarts, connection timers), the {@link SessionAudio}
 * and the {@link DataChannels}, all confined to one {@link SessionLoop}.
 *
 * <p>Threading: every state change runs on the session's own single thread (the "operations chain"
 * of W3C webrtc-pc §4.3.1.2; Pion's operations queue). WebRTC callbacks only copy their data and hand
 * off to it. Listener events are delivered on that thread. Timers come from the runtime's
 * {@link Scheduler} and fire on it too. {@link #send}/{@link #getBufferedAmount} may be called from
 * any thread.
 *
 * <p>Negotiation follows W3C "perfect negotiation" (webrtc-pc §10.7): the peer whose id sorts first
 * is polite and rolls back its own offer on glare; the other ignores the colliding offer.
 *
 * <p>Failure: negotiation errors, a rejected remote description before connecting, ICE failure beyond
 * the restart budget, or the peer closing the chat channel all end in
 * {@link PeerSessionListener#onClosed} with a {@link CloseReason}.
 */
@Slf4j
public final class PeerSession {

    /** Label of the reliable, ordered chat channel every session has. */
    public static final String CHAT = "chat";
    /** Largest message the native stack accepts; one byte more silently closes the channel. */
    public static final int MAX_MESSAGE_SIZE = DataChannel.MAX_MESSAGE_SIZE;

    private final String localPeerId;
    private final String remotePeerId;
    private final boolean polite;
    private final Consumer<PeerSession> onTerminated;
    private final AudioSendGate audioGate;
    private final SessionLoop loop;
    private final RTCPeerConnection pc;
    private final DataChannels channels;
    private final Negotiation negotiation;
    private final SessionAudio audio;
    private final CountDownLatch terminated = new CountDownLatch(1);

    /** Confined to the loop. */
    private boolean dialed;

    PeerSession(PeerConnectionFactory factory, AudioSendGate audioGate, Scheduler scheduler,
                RTCConfiguration rtcConfiguration, RtcConfig config, String localPeerId, String remotePeerId,
                SignalingChannel signaling, DescriptionVerifier verifier, PeerSessionListener listener,
                Consumer<PeerSession> onTerminated) {
        this.localPeerId = requireId(localPeerId, "localPeerId");
        this.remotePeerId = requireId(remotePeerId, "remotePeerId");
        if (localPeerId.equals(remotePeerId)) {
            throw new IllegalArgumentException("a session needs two different peer ids: " + localPeerId);
        }
        this.polite = isPolite(localPeerId, remotePeerId);
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(signaling, "signaling");
        Objects.requireNonNull(verifier, "verifier");
        this.onTerminated = onTerminated;
        this.audioGate = Objects.requireNonNull(audioGate, "audioGate");
        this.loop = new SessionLoop(remotePeerId, Objects.requireNonNull(scheduler, "scheduler"),
                Objects.requireNonNull(listener, "listener"));
        loop.bind(this, this::closeInternal);
        ConnectionObserver observer = new ConnectionObserver(loop);
        this.pc = factory.createPeerConnection(rtcConfiguration, observer);
        if (pc == null) {
            loop.shutdown();
            throw new IllegalStateException("webrtc refused to create a peer connection");
        }
        this.channels = new DataChannels(loop, pc, this::closeInternal);
        this.negotiation = new Negotiation(loop, pc, polite, config, signaling, verifier, audioGate,
                new Negotiation.Hooks() {
                    @Override
                    public void beforeAnswer() {
                        channels.ensureChat();
                    }

                    @Override
                    public boolean needsNegotiation(String localSdp) {
                        return audio.needsNegotiation(localSdp);
                    }

                    @Override
                    public void settled() {
                        audio.settled();
                    }
                }, this::closeInternal);
        this.audio = new SessionAudio(loop, factory, pc, audioGate, negotiation, this::stats);
        observer.bind(negotiation, channels);
    }

    /**
     * Perfect negotiation role (W3C webrtc-pc §10.7): the lexicographically smaller id is polite.
     * Both sides compute the same answer from the same pair of ids, so exactly one is impolite.
     */
    public static boolean isPolite(String localPeerId, String remotePeerId) {
        return localPeerId.compareTo(remotePeerId) < 0;
    }

    private static String requireId(String id, String name) {
        Objects.requireNonNull(id, name);
        if (id.isBlank()) {
            throw new IllegalArgumentException(name + " is blank");
        }
        return id;
    }

    public String localPeerId() {
        return localPeerId;
    }

    public String remotePeerId() {
        return remotePeerId;
    }

    public boolean isPolite() {
        return polite;
    }

    // =====================================================================================
    // Public operations: each hands off to the loop.
    // =====================================================================================

    /**
     * Start connecting: create the chat channel, which makes WebRTC ask for negotiation, and send an
     * offer. Safe to call on both sides at once (glare) and more than once.
     */
    public void dial() {
        loop.post("dial", () -> {
            if (dialed || loop.closing()) {
                return;
            }
            dialed = true;
            negotiation.startConnectTimer();
            channels.ensureChat();
        });
    }

    /**
     * A description arrived from the peer. It is verified, then applied per perfect negotiation.
     *
     * @param proofContext opaque data for the {@link DescriptionVerifier} (e.g. the signature)
     */
    public void onRemoteDescription(DescriptionType type, String sdp, Object proofContext) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(sdp, "sdp");
        loop.post("remote " + type, () -> negotiation.onRemoteDescription(type, sdp, proofContext));
    }

    /**
     * A trickled candidate arrived from the peer. Kept until both descriptions are applied, because
     * the native stack drops candidates that arrive earlier.
     */
    public void onRemoteCandidate(String candidate, String sdpMid, int sdpMLineIndex) {
        Objects.requireNonNull(candidate, "candidate");
        RTCIceCandidate c = new RTCIceCandidate(sdpMid, sdpMLineIndex, candidate);
        loop.post("remote candidate", () -> negotiation.onRemoteCandidate(c));
    }

    /**
     * Send a binary message. Any thread.
     *
     * @return false if the channel is not open, the session is closed, the message is larger than
     *     {@link #MAX_MESSAGE_SIZE}, or the channel's send queue is full (poll {@link #getBufferedAmount})
     */
    public boolean send(String channel, byte[] data) {
        DataChannel ch = channels.get(channel);
        return ch != null && ch.send(data, true);
    }

    /** Send a UTF-8 text message. Same rules as {@link #send}. */
    public boolean sendText(String channel, String text) {
        DataChannel ch = channels.get(channel);
        return ch != null && ch.send(text.getBytes(StandardCharsets.UTF_8), false);
    }

    /**
     * Bytes queued on a channel and not yet sent; -1 if the channel is unknown or the session closed.
     * Poll this for flow control: the native buffered-amount event never fires in webrtc-java 0.14.
     */
    public long getBufferedAmount(String channel) {
        DataChannel ch = channels.get(channel);
        return ch == null ? -1 : ch.bufferedAmount();
    }

    /**
     * Open a further data channel (e.g. for a file) in-band (RFC 8832 DCEP): the peer gets
     * {@link PeerSessionListener#onChannelOpen} with the same label. No renegotiation is needed once
     * the chat channel exists. Labels are unique per session.
     *
     * @param ordered false for an unordered (still reliable) channel
     */
    public void openChannel(String label, boolean ordered) {
        Objects.requireNonNull(label, "label");
        loop.post("open channel " + label, () -> channels.open(label, ordered));
    }

    /** Close one data channel. Closing {@link #CHAT} is the same as {@link #close()}. */
    public void closeChannel(String label) {
        if (CHAT.equals(label)) {
            close();
            return;
        }
        loop.post("close channel " + label, () -> channels.close(label));
    }

    /**
     * Restart ICE (RFC 8445 §9, W3C webrtc-pc §4.4.1.6 restartIce): new credentials are offered and
     * the data channels survive. Perfect negotiation resolves a collision with the peer's own offer.
     *
     * @return completes when a negotiation with new local ICE credentials has finished; fails if the
     *     session closes first
     */
    public CompletionStage<Void> restartIce() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.post("restartIce", () -> {
            if (loop.closing()) {
                done.completeExceptionally(new IllegalStateException("session closed"));
                return;
            }
            negotiation.restartIce(done);
        });
        if (loop.isShutdown() && !done.isDone()) {
            done.completeExceptionally(new IllegalStateException("session closed"));
        }
        return done;
    }

    // ---- audio (see SessionAudio) ----

    /** This session's call audio, as features see it ({@code PeerLink.audio()}). */
    public PeerAudio audio() {
        return audio;
    }

    /**
     * Start sending and receiving audio on this (connected) session: adds the session's audio
     * transceiver, or re-enables it for a later call, and renegotiates through perfect negotiation.
     * Both peers call this when a call is answered; JSEP (RFC 8829 §5.10) pairs a track added by
     * {@code addTrack} with the peer's m=audio section, so crossing offers end with one audio section.
     *
     * <p>Headless runtime: push audio with {@link #pushAudio}. Device runtime: the microphone feeds the
     * track and the speaker plays the peer; {@code sink} (may be null) gets a copy of what is played.
     *
     * @param sink gets the peer's decoded audio on the playout thread; null to discard it
     * @return completes when a negotiation that sends our audio has finished; fails if the session is
     *     not connected or closes first
     */
    public CompletionStage<Void> startAudio(RemoteAudioSink sink) {
        return audio.start(sink);
    }

    /**
     * Push exactly 10 ms of 16-bit little-endian PCM as our voice (headless runtime only). Call from one
     * pump thread, paced in real time. Returns false if no call audio is active, the frame is not 10 ms,
     * or the session is closed.
     */
    public boolean pushAudio(byte[] pcm, int sampleRate, int channels) {
        return audio.push(pcm, sampleRate, channels);
    }

    /** Stop call audio both ways (direction inactive, renegotiated); the transceiver stays for the next call. */
    public void stopAudio() {
        audio.stop();
    }

    /**
     * Mute the microphone track (real devices; a headless pump mutes itself by pushing silence). The
     * track stays negotiated; the peer receives silence.
     */
    public void setAudioMuted(boolean muted) {
        audio.setMuted(muted);
    }

    /** True if this runtime pushes PCM ({@link #pushAudio}) rather than using real devices. */
    public boolean headlessAudio() {
        return audio.headless();
    }

    /**
     * The connection's statistics (W3C webrtc-stats). The report is delivered on the WebRTC signaling
     * thread; continue with an async stage on your own executor. Fails if the session is closed.
     */
    public CompletionStage<RTCStatsReport> stats() {
        CompletableFuture<RTCStatsReport> f = new CompletableFuture<>();
        loop.post("stats", () -> {
            if (loop.closing()) {
                f.completeExceptionally(new IllegalStateException("session closed"));
                return;
            }
            pc.getStats(report -> {
                try {
                    f.complete(report);
                } catch (Throwable t) {
                    log.error("stats callback", t);
                }
            });
        });
        if (loop.isShutdown() && !f.isDone()) {
            f.completeExceptionally(new IllegalStateException("session closed"));
        }
        return f;
    }

    /** Our DTLS certificate fingerprint, from the current local description; empty before the first. */
    public Optional<SdpFingerprints.Fingerprint> localFingerprint() {
        return negotiation.localFingerprint();
    }

    /**
     * Hang up. Asynchronous: {@link PeerSessionListener#onClosed} with {@link CloseReason.Kind#LOCAL}
     * follows. Idempotent.
     */
    public void close() {
        loop.post("close", () -> closeInternal(new CloseReason(CloseReason.Kind.LOCAL, "closed locally")));
    }

    /**
     * Close (if not yet) and wait for the terminal callback; runs inline when called on this
     * session's own loop. Used by {@link RtcRuntime#close()} so the factory is disposed only after
     * every connection is closed.
     *
     * @return true if the session is closed
     */
    boolean closeAndAwait(CloseReason reason, Duration timeout) {
        if (loop.onLoopThread()) {
            closeInternal(reason);
            return true;
        }
        loop.post("close", () -> closeInternal(reason));
        try {
            return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return terminated.getCount() == 0;
        }
    }

    boolean isClosed() {
        return terminated.getCount() == 0;
    }

    /** For tests: the remote description currently applied, read on the loop; null if none. */
    String remoteDescriptionSdp() throws Exception {
        return loop.call(() -> {
            RTCSessionDescription d = loop.closing() ? null : pc.getRemoteDescription();
            return d == null ? null : d.sdp;
        });
    }

    /** For tests: the local description currently applied, read on the loop; null if none. */
    String localDescriptionSdp() throws Exception {
        return loop.call(() -> {
            RTCSessionDescription d = loop.closing() ? null : pc.getLocalDescription();
            return d == null ? null : d.sdp;
        });
    }

    static String iceUfrag(String sdp) {
        return Negotiation.iceUfrag(sdp);
    }

    // ---- teardown, on the loop; the order is the one webrtc-java 0.14 needs (shared notes §4) ----

    private void closeInternal(CloseReason reason) {
        if (loop.closing()) {
            return;
        }
        loop.markClosing();
        negotiation.cancelTimers();
        audio.detach(); // the remote sink goes before the connection
        try {
            // Under the audio gate and the native write lock: no push or send can touch a closed
            // connection. Exactly once (a second close() throws NPE in 0.14). This also closes every
            // channel, which the peer sees at once. Channels are not disposed: their native objects
            // stay valid until the factory goes, and nothing touches them after the close.
            audioGate.around(() -> {
                loop.closeNative(pc::close);
                return null;
            });
        } catch (Exception e) {
            log.warn("closing the connection to {} failed", remotePeerId, e);
        }
        log.debug("session with {} closed: {}", remotePeerId, reason);
        IllegalStateException gone = new SessionClosedException("session closed: " + reason);
        audio.closed(gone);
        negotiation.closed(gone);
        // Leave the runtime before the terminal callback, so whoever reacts to onClosed sees it gone.
        if (onTerminated != null) {
            onTerminated.accept(this);
        }
        loop.emitFinal((l, s) -> l.onStateChange(s, SessionState.CLOSED));
        loop.emitFinal((l, s) -> l.onClosed(s, reason));
        terminated.countDown();
        loop.shutdown(); // queued tasks still run, and all return at once since closing is set
    }
}
