package dev.parley.client.internal.rtc;

import dev.parley.client.internal.audio.AudioSendGate;
import dev.parley.client.internal.audio.AudioStatsSample;
import dev.parley.client.internal.audio.PeerAudio;
import dev.parley.client.internal.audio.RemoteAudioSink;
import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelBuffer;
import dev.onvoid.webrtc.RTCDataChannelInit;
import dev.onvoid.webrtc.RTCDataChannelObserver;
import dev.onvoid.webrtc.RTCDataChannelState;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceGatheringState;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCRtpSender;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCRtpTransceiverDirection;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.RTCSignalingState;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import dev.onvoid.webrtc.media.audio.AudioOptions;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.AudioTrackSink;
import dev.onvoid.webrtc.media.audio.AudioTrackSource;
import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import lombok.extern.slf4j.Slf4j;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * One WebRTC connection to one remote peer, with a reliable ordered {@code chat} data channel and
 * optional further channels.
 *
 * <p>Threading: every state change runs on the session's own single-threaded executor (the
 * "operations chain" of W3C webrtc-pc §4.3.1.2; Pion's operations queue). WebRTC callbacks only copy
 * their data and hand off to it. Listener events are delivered on that executor.
 * {@link #send}/{@link #getBufferedAmount} may be called from any thread.
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
    public static final int MAX_MESSAGE_SIZE = 262_144;
    /** Above about 16 MiB queued the native channel closes itself, so we refuse earlier. */
    static final long MAX_BUFFERED_AMOUNT = 15L << 20;
    /** The chat channel is pre-negotiated with this stream id on both sides (RFC 8832 §6). */
    static final int CHAT_STREAM_ID = 0;

    private static final long OPERATION_TIMEOUT_MS = 10_000;

    private final String localPeerId;
    private final String remotePeerId;
    private final boolean polite;
    private final RtcConfig config;
    private final SignalingChannel signaling;
    private final DescriptionVerifier verifier;
    private final PeerSessionListener listener;
    private final Consumer<PeerSession> onTerminated;

    private final ScheduledThreadPoolExecutor executor;
    private volatile Thread executorThread;
    private final PeerConnectionFactory factory;
    private final AudioSendGate audioGate;
    private final RTCPeerConnection pc;

    /** Channels by label. Written on the executor, read by senders. */
    private final Map<String, RTCDataChannel> channels = new ConcurrentHashMap<>();
    /** Guards native access from sender threads against teardown: send holds read, close holds write. */
    private final ReentrantReadWriteLock nativeLock = new ReentrantReadWriteLock();
    private volatile boolean nativeClosed;
    private volatile String localSdp;
    private final CountDownLatch terminated = new CountDownLatch(1);

    // ---- confined to the executor ----
    private boolean closing;
    private boolean dialed;
    private boolean negotiationNeeded;
    private boolean descriptionsExchanged;
    private final List<RTCIceCandidate> pendingCandidates = new ArrayList<>();
    private boolean iceRestartPending;
    private String ufragBeforeRestart;
    private final List<CompletableFuture<Void>> restartWaiters = new ArrayList<>();
    private int restartAttempts;
    private ScheduledFuture<?> graceTimer;
    private ScheduledFuture<?> restartTimer;
    private ScheduledFuture<?> connectTimer;
    private boolean everConnected;
    private RTCPeerConnectionState connectionState = RTCPeerConnectionState.NEW;
    private SessionState reportedState;
    private final Map<String, Boolean> openReported = new ConcurrentHashMap<>();

    // ---- audio (a call): one audio transceiver per session, kept once created ----
    /** The track source we push into (headless); read by the pump thread. */
    private volatile CustomAudioSource pushSource;
    /** Where the peer's audio goes; null between calls. Read on the playout thread. */
    private volatile RemoteAudioSink remoteSink;
    private final AudioTrackSink sinkAdapter = this::onRemoteAudio;
    // confined to the executor:
    private boolean audioWanted;
    private AudioTrackSource localAudioSource;
    private AudioTrack localAudioTrack;
    private RTCRtpTransceiver audioTransceiver;
    private RTCRtpSender audioSender;
    private AudioTrack remoteAudioTrack;
    private final List<CompletableFuture<Void>> audioWaiters = new ArrayList<>();

    PeerSession(PeerConnectionFactory factory, AudioSendGate audioGate, RTCConfiguration rtcConfiguration,
                RtcConfig config, String localPeerId, String remotePeerId, SignalingChannel signaling,
                DescriptionVerifier verifier, PeerSessionListener listener, Consumer<PeerSession> onTerminated) {
        this.localPeerId = requireId(localPeerId, "localPeerId");
        this.remotePeerId = requireId(remotePeerId, "remotePeerId");
        if (localPeerId.equals(remotePeerId)) {
            throw new IllegalArgumentException("a session needs two different peer ids: " + localPeerId);
        }
        this.polite = isPolite(localPeerId, remotePeerId);
        this.config = Objects.requireNonNull(config, "config");
        this.signaling = Objects.requireNonNull(signaling, "signaling");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.onTerminated = onTerminated;
        this.factory = factory;
        this.audioGate = Objects.requireNonNull(audioGate, "audioGate");
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "parley-rtc-" + remotePeerId);
            t.setDaemon(true);
            executorThread = t;
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.pc = factory.createPeerConnection(rtcConfiguration, new ConnectionObserver());
        if (pc == null) {
            executor.shutdown();
            throw new IllegalStateException("webrtc refused to create a peer connection");
        }
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
    // Public operations: each hands off to the executor.
    // =====================================================================================

    /**
     * Start connecting: create the chat channel, which makes WebRTC ask for negotiation, and send an
     * offer. Safe to call on both sides at once (glare) and more than once.
     */
    public void dial() {
        post("dial", () -> {
            if (dialed || closing) {
                return;
            }
            dialed = true;
            startConnectTimer();
            ensureChatChannel();
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
        post("remote " + type, () -> handleRemoteDescription(type, sdp, proofContext));
    }

    /**
     * A trickled candidate arrived from the peer. Kept until both descriptions are applied, because
     * the native stack drops candidates that arrive earlier.
     */
    public void onRemoteCandidate(String candidate, String sdpMid, int sdpMLineIndex) {
        Objects.requireNonNull(candidate, "candidate");
        RTCIceCandidate c = new RTCIceCandidate(sdpMid, sdpMLineIndex, candidate);
        post("remote candidate", () -> {
            if (closing) {
                return;
            }
            if (canAddCandidates()) {
                pc.addIceCandidate(c);
            } else {
                pendingCandidates.add(c);
            }
        });
    }

    /**
     * Send a binary message. Any thread.
     *
     * @return false if the channel is not open, the session is closed, the message is larger than
     *     {@link #MAX_MESSAGE_SIZE}, or the channel's send queue is full (poll {@link #getBufferedAmount})
     */
    public boolean send(String channel, byte[] data) {
        return sendBuffer(channel, data, true);
    }

    /** Send a UTF-8 text message. Same rules as {@link #send}. */
    public boolean sendText(String channel, String text) {
        return sendBuffer(channel, text.getBytes(StandardCharsets.UTF_8), false);
    }

    private boolean sendBuffer(String label, byte[] data, boolean binary) {
        if (data.length > MAX_MESSAGE_SIZE) {
            return false;
        }
        nativeLock.readLock().lock();
        try {
            if (nativeClosed) {
                return false;
            }
            RTCDataChannel dc = channels.get(label);
            if (dc == null || dc.getState() != RTCDataChannelState.OPEN
                    || dc.getBufferedAmount() + data.length > MAX_BUFFERED_AMOUNT) {
                return false;
            }
            // send() sends the whole backing array, so hand it an exact-size copy.
            dc.send(new RTCDataChannelBuffer(ByteBuffer.wrap(data.clone()), binary));
            return true;
        } catch (Exception e) {
            log.debug("send on {} to {} failed", label, remotePeerId, e);
            return false;
        } finally {
            nativeLock.readLock().unlock();
        }
    }

    /**
     * Bytes queued on a channel and not yet sent; -1 if the channel is unknown or the session closed.
     * Poll this for flow control: the native buffered-amount event never fires in webrtc-java 0.14.
     */
    public long getBufferedAmount(String channel) {
        nativeLock.readLock().lock();
        try {
            RTCDataChannel dc = nativeClosed ? null : channels.get(channel);
            return dc == null ? -1 : dc.getBufferedAmount();
        } catch (Exception e) {
            return -1;
        } finally {
            nativeLock.readLock().unlock();
        }
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
        post("open channel " + label, () -> {
            if (closing || channels.containsKey(label)) {
                log.warn("channel {} to {} not opened: {}", label, remotePeerId,
                        closing ? "session closed" : "label in use");
                return;
            }
            RTCDataChannelInit init = new RTCDataChannelInit();
            init.ordered = ordered;
            try {
                attachChannel(pc.createDataChannel(label, init));
            } catch (RuntimeException e) {
                // A refused channel must not take the chat down with it.
                log.warn("could not open channel {} to {}", label, remotePeerId, e);
                emit(l -> l.onChannelClosed(this, label));
            }
        });
    }

    /** Close one data channel. Closing {@link #CHAT} is the same as {@link #close()}. */
    public void closeChannel(String label) {
        if (CHAT.equals(label)) {
            close();
            return;
        }
        post("close channel " + label, () -> {
            RTCDataChannel dc = channels.get(label);
            if (dc != null && !closing) {
                dc.close();
            }
        });
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
        post("restartIce", () -> {
            if (closing) {
                done.completeExceptionally(new IllegalStateException("session closed"));
                return;
            }
            restartWaiters.add(done);
            requestIceRestart();
        });
        if (executor.isShutdown() && !done.isDone()) {
            done.completeExceptionally(new IllegalStateException("session closed"));
        }
        return done;
    }

    // ---- audio ----

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
        CompletableFuture<Void> done = new CompletableFuture<>();
        post("start audio", () -> {
            if (closing || !everConnected) {
                done.completeExceptionally(closing ? new SessionClosedException("session closed")
                        : new IllegalStateException("session not connected yet"));
                return;
            }
            remoteSink = sink;
            audioGate.around(() -> {
                enableAudioTransceiver();
                return null;
            });
            audioWanted = true;
            audioWaiters.add(done);
            negotiationNeeded = true;
            maybeNegotiate();
            settleAudioWaiters();
        });
        if (executor.isShutdown() && !done.isDone()) {
            done.completeExceptionally(new SessionClosedException("session closed"));
        }
        return done;
    }

    /**
     * Push exactly 10 ms of 16-bit little-endian PCM as our voice (headless runtime only). Call from one
     * pump thread, paced in real time. Returns false if no call audio is active, the frame is not 10 ms,
     * or the session is closed.
     */
    public boolean pushAudio(byte[] pcm, int sampleRate, int channels) {
        CustomAudioSource src = pushSource;
        int frames = sampleRate / 100;
        if (src == null || sampleRate % 100 != 0 || channels < 1 || channels > 2
                || pcm.length != frames * channels * 2) {
            return false; // 20 ms frames are silently dropped by the native side (shared notes §2)
        }
        return audioGate.push(() -> {
            nativeLock.readLock().lock();
            try {
                if (nativeClosed || pushSource != src) {
                    return false;
                }
                src.pushAudio(pcm, 16, sampleRate, channels, frames);
                return true;
            } finally {
                nativeLock.readLock().unlock();
            }
        });
    }

    /** Stop call audio both ways (direction inactive, renegotiated); the transceiver stays for the next call. */
    public void stopAudio() {
        post("stop audio", () -> {
            remoteSink = null;
            pushSource = null;
            if (closing || audioTransceiver == null || !audioWanted) {
                audioWanted = false;
                return;
            }
            audioWanted = false;
            audioGate.around(() -> {
                audioSender.replaceTrack(null);
                if (!audioTransceiver.stopped()) { // setDirection on a stopped one segfaults (notes §3)
                    audioTransceiver.setDirection(RTCRtpTransceiverDirection.INACTIVE);
                }
                return null;
            });
            IllegalStateException stopped = new IllegalStateException("audio stopped");
            audioWaiters.forEach(w -> w.completeExceptionally(stopped));
            audioWaiters.clear();
            negotiationNeeded = true;
            maybeNegotiate();
        });
    }

    /**
     * Mute the microphone track (real devices; a headless pump mutes itself by pushing silence). The
     * track stays negotiated; the peer receives silence.
     */
    public void setAudioMuted(boolean muted) {
        post("mute " + muted, () -> {
            if (!closing && localAudioTrack != null) {
                audioGate.around(() -> {
                    localAudioTrack.setEnabled(!muted);
                    return null;
                });
            }
        });
    }

    /** This session's call audio, as features see it. */
    public PeerAudio audio() {
        PeerSession session = this;
        return new PeerAudio() {
            @Override
            public boolean headless() {
                return session.headlessAudio();
            }

            @Override
            public CompletionStage<Void> start(RemoteAudioSink sink) {
                return session.startAudio(sink);
            }

            @Override
            public boolean push(byte[] pcm, int sampleRate, int channels) {
                return session.pushAudio(pcm, sampleRate, channels);
            }

            @Override
            public void stop() {
                session.stopAudio();
            }

            @Override
            public void setMuted(boolean muted) {
                session.setAudioMuted(muted);
            }

            @Override
            public CompletionStage<AudioStatsSample> stats() {
                return session.stats().thenApply(AudioStatsSample::from);
            }
        };
    }

    /** True if this runtime pushes PCM ({@link #pushAudio}) rather than using real devices. */
    public boolean headlessAudio() {
        return audioGate.headless();
    }

    /**
     * The connection's statistics (W3C webrtc-stats). The report is delivered on the WebRTC signaling
     * thread; continue with an async stage on your own executor. Fails if the session is closed.
     */
    public CompletionStage<RTCStatsReport> stats() {
        CompletableFuture<RTCStatsReport> f = new CompletableFuture<>();
        post("stats", () -> {
            if (closing) {
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
        if (executor.isShutdown() && !f.isDone()) {
            f.completeExceptionally(new IllegalStateException("session closed"));
        }
        return f;
    }

    /** Our DTLS certificate fingerprint, from the current local description; empty before the first. */
    public Optional<SdpFingerprints.Fingerprint> localFingerprint() {
        String sdp = localSdp;
        return sdp == null ? Optional.empty() : SdpFingerprints.single(sdp);
    }

    /**
     * Hang up. Asynchronous: {@link PeerSessionListener#onClosed} with {@link CloseReason.Kind#LOCAL}
     * follows. Idempotent.
     */
    public void close() {
        post("close", () -> closeInternal(new CloseReason(CloseReason.Kind.LOCAL, "closed locally")));
    }

    /**
     * Close (if not yet) and wait for the terminal callback; runs inline when called on this
     * session's own executor. Used by {@link RtcRuntime#close()} so the factory is disposed only after
     * every connection is closed.
     *
     * @return true if the session is closed
     */
    boolean closeAndAwait(CloseReason reason, Duration timeout) {
        if (Thread.currentThread() == executorThread) {
            closeInternal(reason);
            return true;
        }
        post("close", () -> closeInternal(reason));
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

    /** For tests: the remote description currently applied, read on the executor; null if none. */
    String remoteDescriptionSdp() throws Exception {
        return callOnExecutor(() -> {
            RTCSessionDescription d = closing ? null : pc.getRemoteDescription();
            return d == null ? null : d.sdp;
        });
    }

    /** For tests: the local description currently applied, read on the executor; null if none. */
    String localDescriptionSdp() throws Exception {
        return callOnExecutor(() -> {
            RTCSessionDescription d = closing ? null : pc.getLocalDescription();
            return d == null ? null : d.sdp;
        });
    }

    private <T> T callOnExecutor(java.util.concurrent.Callable<T> c) throws Exception {
        return executor.submit(c).get(OPERATION_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    // =====================================================================================
    // Executor-side logic
    // =====================================================================================

    /** Run on the executor, never throwing back into a WebRTC thread; drop silently once closed. */
    private void post(String what, Task task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (Throwable t) {
                    fail(what, t);
                }
            });
        } catch (RejectedExecutionException closed) {
            log.trace("{} for {} dropped: session closed", what, remotePeerId);
        }
    }

    private void fail(String what, Throwable t) {
        if (closing) {
            log.debug("{} failed after close for {}", what, remotePeerId, t);
            return;
        }
        log.warn("{} failed for peer {}; closing the session", what, remotePeerId, t);
        try {
            closeInternal(new CloseReason(CloseReason.Kind.ERROR, what + " failed: " + t));
        } catch (Throwable t2) {
            log.error("closing {} after failure also failed", remotePeerId, t2);
        }
    }

    private void ensureChatChannel() {
        if (channels.containsKey(CHAT) || closing) {
            return;
        }
        // Negotiated with a fixed id (RFC 8832 §6, W3C webrtc-pc §6.2 "negotiated"): both sides
        // create the same channel themselves, so glare can never yield two chat channels, and no
        // DCEP round trip is needed. The first SCTP channel fires negotiationneeded on the dialer.
        RTCDataChannelInit init = new RTCDataChannelInit();
        init.ordered = true;
        init.negotiated = true;
        init.id = CHAT_STREAM_ID;
        attachChannel(pc.createDataChannel(CHAT, init));
    }

    private void attachChannel(RTCDataChannel dc) {
        String label = dc.getLabel();
        channels.put(label, dc);
        dc.registerObserver(new ChannelObserver(dc, label));
        // A negotiated channel may already be open if SCTP was up; report it once.
        if (dc.getState() == RTCDataChannelState.OPEN) {
            handleChannelState(label, RTCDataChannelState.OPEN);
        }
    }

    private void startConnectTimer() {
        if (connectTimer != null || everConnected) {
            return;
        }
        connectTimer = schedule(config.connectTimeout(), "connect timeout", () -> {
            if (!everConnected) {
                closeInternal(new CloseReason(CloseReason.Kind.CONNECT_TIMEOUT,
                        "not connected after " + config.connectTimeout()));
            }
        });
    }

    /** W3C webrtc-pc §10.7, the onnegotiationneeded half, with an explicit createOffer/SLD. */
    private void maybeNegotiate() throws Exception {
        if (closing || !negotiationNeeded) {
            return;
        }
        // Our ops are serialised on this executor, so "makingOffer" of the spec's example can never
        // be observed by the description handler; the signaling state is the whole story.
        if (pc.getSignalingState() != RTCSignalingState.STABLE) {
            return; // re-checked every time we return to stable
        }
        if (!stillNeedsNegotiation()) {
            negotiationNeeded = false;
            return;
        }
        negotiationNeeded = false;
        RTCOfferOptions options = new RTCOfferOptions();
        options.iceRestart = iceRestartPending; // RFC 8829 §5.2.1 IceRestart
        RTCSessionDescription offer = createOffer(options);
        setLocal(offer);
        descriptionsExchanged = false;
        localSdp = offer.sdp;
        sendDescription(DescriptionType.OFFER, offer.sdp);
    }

    /**
     * webrtc-java only offers the legacy negotiationneeded event, which can be stale (e.g. after a
     * polite rollback the peer's offer may already have covered it). The reasons this layer creates
     * are the first SCTP channel and ICE restarts; media will add its own (the audio seam).
     */
    private boolean stillNeedsNegotiation() {
        if (iceRestartPending) {
            return true;
        }
        String sdp = localSdp;
        if (sdp == null || !sdp.contains("\nm=application ")) {
            return true;
        }
        // Audio's reason: the local description does not (or no longer should) send our audio.
        return audioTransceiver != null && audioSends(sdp) != audioWanted;
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

    /** W3C webrtc-pc §10.7, the onmessage({description}) half. */
    private void handleRemoteDescription(DescriptionType type, String sdp, Object proofContext) throws Exception {
        if (closing) {
            return;
        }
        // Verify before anything touches the connection (docs/security.md; RFC 8827 §6.5).
        RemoteDescription candidate = new RemoteDescription(type, sdp, proofContext, localFingerprint());
        try {
            verifier.verify(candidate);
        } catch (DescriptionRejectedException | RuntimeException e) {
            rejectDescription(type, e);
            return;
        }
        RTCSignalingState state = pc.getSignalingState();
        boolean offerCollision = type == DescriptionType.OFFER && state != RTCSignalingState.STABLE;
        if (offerCollision && !polite) {
            log.debug("glare with {}: impolite, ignoring their offer", remotePeerId);
            return; // ignoreOffer: the polite side will answer ours
        }
        if (type == DescriptionType.ANSWER && state != RTCSignalingState.HAVE_LOCAL_OFFER) {
            log.debug("answer from {} in state {} ignored (our offer was rolled back)", remotePeerId, state);
            return;
        }
        if (offerCollision) {
            // Polite: roll back our offer (RFC 8829 §4.1.8.2) and take theirs instead.
            log.debug("glare with {}: polite, rolling back our offer", remotePeerId);
            setLocal(new RTCSessionDescription(RTCSdpType.ROLLBACK, ""));
            negotiationNeeded = true; // re-checked once stable again
        }
        if (type == DescriptionType.OFFER) {
            startConnectTimer();
        }
        setRemote(new RTCSessionDescription(
                type == DescriptionType.OFFER ? RTCSdpType.OFFER : RTCSdpType.ANSWER, sdp));
        if (type == DescriptionType.OFFER) {
            ensureChatChannel();
            RTCSessionDescription answer = createAnswer();
            setLocal(answer);
            localSdp = answer.sdp;
            sendDescription(DescriptionType.ANSWER, answer.sdp);
        }
        onNegotiationSettled();
    }

    private void rejectDescription(DescriptionType type, Exception e) {
        String reason = "remote " + type.name().toLowerCase() + " from " + remotePeerId + " rejected: "
                + e.getMessage();
        log.warn(reason);
        emit(l -> l.onSecurityError(this, reason));
        if (!everConnected) {
            closeInternal(new CloseReason(CloseReason.Kind.SECURITY, reason));
        }
        // Once connected, the running DTLS session is still the verified one: keep it and ignore
        // this description (an untrusted server must not be able to hang us up).
    }

    /** Called after we return to stable: flush candidates, settle restarts, negotiate if owed. */
    private void onNegotiationSettled() throws Exception {
        if (closing || pc.getSignalingState() != RTCSignalingState.STABLE) {
            return;
        }
        descriptionsExchanged = true;
        if (!pendingCandidates.isEmpty()) {
            for (RTCIceCandidate c : pendingCandidates) {
                pc.addIceCandidate(c);
            }
            log.debug("applied {} buffered candidates from {}", pendingCandidates.size(), remotePeerId);
            pendingCandidates.clear();
        }
        if (iceRestartPending && !Objects.equals(iceUfrag(localSdp), ufragBeforeRestart)) {
            iceRestartPending = false;
            restartWaiters.forEach(w -> w.complete(null));
            restartWaiters.clear();
        }
        settleAudioWaiters();
        maybeNegotiate();
    }

    private void settleAudioWaiters() {
        if (audioWanted && !audioWaiters.isEmpty() && descriptionsExchanged
                && pc.getSignalingState() == RTCSignalingState.STABLE && localSdp != null && audioSends(localSdp)) {
            audioWaiters.forEach(w -> w.complete(null));
            audioWaiters.clear();
        }
    }

    /** Under the audio gate. Creates the local track once, then (re)attaches it to our audio transceiver. */
    private void enableAudioTransceiver() {
        if (localAudioTrack == null) {
            if (audioGate.headless()) {
                CustomAudioSource custom = new CustomAudioSource();
                localAudioSource = custom;
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
            audioTransceiver.setDirection(RTCRtpTransceiverDirection.SEND_RECV);
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
            log.warn("remote audio sink for {} threw", remotePeerId, t);
        }
    }

    private boolean canAddCandidates() {
        // The native stack drops candidates unless both descriptions are set (shared notes §6).
        return descriptionsExchanged && pc.getSignalingState() == RTCSignalingState.STABLE;
    }

    private void requestIceRestart() throws Exception {
        if (!iceRestartPending) {
            iceRestartPending = true;
            ufragBeforeRestart = iceUfrag(localSdp);
        }
        // W3C webrtc-pc §4.4.1.6: marks the credentials for replacement and fires negotiationneeded.
        // We do not rely on that event (the legacy one is not re-fired while a previous one is
        // pending), so negotiate now if stable, or once we return to stable.
        pc.restartIce();
        negotiationNeeded = true;
        maybeNegotiate();
    }

    static String iceUfrag(String sdp) {
        if (sdp == null) {
            return null;
        }
        for (String line : sdp.split("\r?\n")) {
            if (line.startsWith("a=ice-ufrag:")) {
                return line.substring("a=ice-ufrag:".length()).trim();
            }
        }
        return null;
    }

    private void sendDescription(DescriptionType type, String sdp) {
        try {
            signaling.sendDescription(type, sdp);
        } catch (Throwable t) {
            log.warn("could not send {} to {}: {}", type, remotePeerId, t.toString());
        }
    }

    // ---- connection state and resilience ----

    private void handleConnectionState(RTCPeerConnectionState s) throws Exception {
        if (closing) {
            return;
        }
        connectionState = s;
        switch (s) {
            case NEW -> { }
            case CONNECTING -> report(SessionState.CONNECTING);
            case CONNECTED -> {
                everConnected = true;
                restartAttempts = 0;
                cancel(connectTimer);
                cancel(graceTimer);
                cancel(restartTimer);
                connectTimer = graceTimer = restartTimer = null;
                report(SessionState.CONNECTED);
            }
            case DISCONNECTED -> {
                report(SessionState.DISCONNECTED);
                // Transient loss: give ICE a grace period to recover by itself (RFC 8445 §9 restarts
                // are the fallback), then restart from whichever side noticed.
                if (graceTimer == null && restartTimer == null) {
                    graceTimer = schedule(config.disconnectedGrace(), "disconnected grace", () -> {
                        graceTimer = null;
                        if (connectionState == RTCPeerConnectionState.DISCONNECTED
                                || connectionState == RTCPeerConnectionState.FAILED) {
                            attemptIceRestart("disconnected for " + config.disconnectedGrace());
                        }
                    });
                }
            }
            case FAILED -> {
                report(SessionState.FAILED);
                cancel(graceTimer);
                graceTimer = null;
                if (restartTimer == null) {
                    attemptIceRestart("ICE failed");
                }
            }
            case CLOSED -> { } // reported by closeInternal
        }
    }

    private void attemptIceRestart(String why) throws Exception {
        if (closing) {
            return;
        }
        if (restartAttempts >= config.maxIceRestarts()) {
            closeInternal(new CloseReason(CloseReason.Kind.ICE_FAILED,
                    why + "; gave up after " + restartAttempts + " ICE restarts"));
            return;
        }
        restartAttempts++;
        log.info("{}: ICE restart {}/{} with {}", why, restartAttempts, config.maxIceRestarts(), remotePeerId);
        requestIceRestart();
        restartTimer = schedule(config.iceRestartTimeout(), "ICE restart timeout", () -> {
            restartTimer = null;
            if (connectionState != RTCPeerConnectionState.CONNECTED) {
                attemptIceRestart("still " + connectionState + " after restart " + restartAttempts);
            }
        });
    }

    private void report(SessionState state) {
        if (state != reportedState) {
            reportedState = state;
            emit(l -> l.onStateChange(this, state));
        }
    }

    // ---- data channel events ----

    private void handleChannelState(String label, RTCDataChannelState state) {
        if (closing) {
            return;
        }
        if (state == RTCDataChannelState.OPEN && openReported.putIfAbsent(label, Boolean.TRUE) == null) {
            emit(l -> l.onChannelOpen(this, label));
        } else if (state == RTCDataChannelState.CLOSED && channels.containsKey(label)) {
            channels.remove(label);
            openReported.remove(label); // the label may be reused
            emit(l -> l.onChannelClosed(this, label));
            if (CHAT.equals(label)) {
                // The peer hung up (or its process died and SCTP noticed): a closed chat channel
                // is our hang-up signal, since the PC state lags by seconds (shared notes §5).
                closeInternal(new CloseReason(CloseReason.Kind.REMOTE_CLOSED, "chat channel closed by peer"));
            }
        }
    }

    private void handleMessage(String label, byte[] data, boolean binary) {
        if (!closing) {
            emit(l -> l.onMessage(this, label, data, binary));
        }
    }

    // ---- teardown ----

    private void closeInternal(CloseReason reason) {
        if (closing) {
            return;
        }
        closing = true;
        cancel(graceTimer);
        cancel(restartTimer);
        cancel(connectTimer);
        remoteSink = null;
        pushSource = null;
        if (remoteAudioTrack != null) {
            try {
                remoteAudioTrack.removeSink(sinkAdapter); // before close (shared notes §4)
            } catch (Throwable t) {
                log.debug("removing the audio sink of {}", remotePeerId, t);
            }
        }
        try {
            audioGate.around(() -> {
                closeNative();
                return null;
            });
        } catch (Exception e) {
            log.warn("closing the connection to {} failed", remotePeerId, e);
        }
        log.debug("session with {} closed: {}", remotePeerId, reason);
        IllegalStateException gone = new SessionClosedException("session closed: " + reason);
        audioWaiters.forEach(w -> w.completeExceptionally(gone));
        audioWaiters.clear();
        restartWaiters.forEach(w -> w.completeExceptionally(gone));
        restartWaiters.clear();
        reportedState = SessionState.CLOSED;
        // Leave the runtime before the terminal callback, so whoever reacts to onClosed sees it gone.
        if (onTerminated != null) {
            onTerminated.accept(this);
        }
        emitFinal(l -> l.onStateChange(this, SessionState.CLOSED));
        emitFinal(l -> l.onClosed(this, reason));
        terminated.countDown();
        executor.shutdown(); // queued tasks still run, and all return at once since closing is set
    }

    /** Under the audio gate and the native write lock: no push or send can touch a closed connection. */
    private void closeNative() {
        nativeLock.writeLock().lock();
        try {
            nativeClosed = true;
            // Exactly once (a second close() throws NPE in 0.14). This also closes every channel,
            // which the peer sees at once. Channels are not disposed: their native objects stay
            // valid until the factory goes, and nothing touches them after nativeClosed.
            pc.close();
        } catch (Throwable t) {
            log.warn("closing the connection to {} failed", remotePeerId, t);
        } finally {
            nativeLock.writeLock().unlock();
        }
    }

    private void emit(Consumer<PeerSessionListener> event) {
        if (!closing) {
            emitFinal(event);
        }
    }

    private void emitFinal(Consumer<PeerSessionListener> event) {
        try {
            event.accept(listener);
        } catch (Throwable t) {
            log.warn("listener for {} threw", remotePeerId, t);
        }
    }

    private ScheduledFuture<?> schedule(Duration delay, String what, Task task) {
        return executor.schedule(() -> {
            try {
                if (!closing) {
                    task.run();
                }
            } catch (Throwable t) {
                fail(what, t);
            }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    /** A step on the executor; may throw, which closes the session (see {@link #fail}). */
    @FunctionalInterface
    private interface Task {
        void run() throws Exception;
    }

    // ---- asynchronous native operations, awaited on the executor (never on a WebRTC thread) ----

    private RTCSessionDescription createOffer(RTCOfferOptions options) throws Exception {
        CompletableFuture<RTCSessionDescription> f = new CompletableFuture<>();
        pc.createOffer(options, new SdpCreated(f, "createOffer"));
        return await(f, "createOffer");
    }

    private RTCSessionDescription createAnswer() throws Exception {
        CompletableFuture<RTCSessionDescription> f = new CompletableFuture<>();
        pc.createAnswer(new RTCAnswerOptions(), new SdpCreated(f, "createAnswer"));
        return await(f, "createAnswer");
    }

    private void setLocal(RTCSessionDescription d) throws Exception {
        audioGate.around(() -> {
            CompletableFuture<Void> f = new CompletableFuture<>();
            pc.setLocalDescription(d, new SdpSet(f, "setLocalDescription(" + d.sdpType + ")"));
            return await(f, "setLocalDescription");
        });
    }

    private void setRemote(RTCSessionDescription d) throws Exception {
        audioGate.around(() -> {
            CompletableFuture<Void> f = new CompletableFuture<>();
            pc.setRemoteDescription(d, new SdpSet(f, "setRemoteDescription(" + d.sdpType + ")"));
            return await(f, "setRemoteDescription");
        });
    }

    private static <T> T await(CompletableFuture<T> f, String what) throws Exception {
        try {
            return f.get(OPERATION_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        } catch (TimeoutException e) {
            throw new TimeoutException(what + " did not complete in " + OPERATION_TIMEOUT_MS + " ms");
        }
    }

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

    // ---- WebRTC callbacks: run on the factory's signaling thread. Copy, hand off, catch all. ----

    private final class ConnectionObserver implements PeerConnectionObserver {
        @Override
        public void onIceCandidate(RTCIceCandidate c) {
            try {
                String sdp = c.sdp;
                String mid = c.sdpMid;
                int index = c.sdpMLineIndex;
                post("send candidate", () -> {
                    if (closing) {
                        return;
                    }
                    try {
                        signaling.sendCandidate(sdp, mid, index);
                    } catch (Throwable t) {
                        log.warn("could not send a candidate to {}: {}", remotePeerId, t.toString());
                    }
                });
            } catch (Throwable t) {
                log.error("onIceCandidate", t);
            }
        }

        @Override
        public void onIceGatheringChange(RTCIceGatheringState state) {
            try {
                if (state == RTCIceGatheringState.COMPLETE) {
                    post("end of candidates", () -> {
                        if (!closing) {
                            try {
                                signaling.sendEndOfCandidates();
                            } catch (Throwable t) {
                                log.warn("could not send end-of-candidates to {}: {}", remotePeerId, t.toString());
                            }
                        }
                    });
                }
            } catch (Throwable t) {
                log.error("onIceGatheringChange", t);
            }
        }

        @Override
        public void onConnectionChange(RTCPeerConnectionState state) {
            try {
                post("connection state " + state, () -> handleConnectionState(state));
            } catch (Throwable t) {
                log.error("onConnectionChange", t);
            }
        }

        @Override
        public void onRenegotiationNeeded() {
            try {
                post("negotiation", () -> {
                    negotiationNeeded = true;
                    maybeNegotiate();
                });
            } catch (Throwable t) {
                log.error("onRenegotiationNeeded", t);
            }
        }

        @Override
        public void onDataChannel(RTCDataChannel dc) {
            try {
                // Register now, on this thread, so no message can slip past before the hand-off.
                String label = dc.getLabel();
                dc.registerObserver(new ChannelObserver(dc, label));
                post("remote channel " + label, () -> {
                    if (closing) {
                        return;
                    }
                    if (channels.putIfAbsent(label, dc) != null) {
                        log.warn("peer {} opened a second channel labelled {}; closing it", remotePeerId, label);
                        dc.close();
                        return;
                    }
                    if (dc.getState() == RTCDataChannelState.OPEN) {
                        handleChannelState(label, RTCDataChannelState.OPEN);
                    }
                });
            } catch (Throwable t) {
                log.error("onDataChannel", t);
            }
        }
    }

    private final class ChannelObserver implements RTCDataChannelObserver {
        private final RTCDataChannel dc;
        private final String label;

        ChannelObserver(RTCDataChannel dc, String label) {
            this.dc = dc;
            this.label = label;
        }

        @Override
        public void onBufferedAmountChange(long previousAmount) {
            // Never fires in webrtc-java 0.14 (shared notes §5); senders poll getBufferedAmount.
        }

        @Override
        public void onStateChange() {
            try {
                RTCDataChannelState state = dc.getState();
                post("channel " + label + " " + state, () -> handleChannelState(label, state));
            } catch (Throwable t) {
                log.error("onStateChange", t);
            }
        }

        @Override
        public void onMessage(RTCDataChannelBuffer buffer) {
            try {
                // The buffer is native memory reused after we return: copy it here.
                ByteBuffer src = buffer.data.duplicate();
                byte[] copy = new byte[src.remaining()];
                src.get(copy);
                boolean binary = buffer.binary;
                post("message", () -> handleMessage(label, copy, binary));
            } catch (Throwable t) {
                log.error("onMessage", t);
            }
        }
    }
}
