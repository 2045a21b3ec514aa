package dev.parley.client.internal.rtc;

import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.RTCSignalingState;
import dev.parley.client.internal.audio.AudioSendGate;
import lombok.extern.slf4j.Slf4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The negotiation core of one session: W3C "perfect negotiation" (webrtc-pc §10.7), verification of
 * remote descriptions before they are applied, ICE candidate trickle and buffering, ICE restarts, and
 * the connection state with its timers (connect timeout, disconnect grace, restart timeout).
 *
 * <p>Automatic ICE restarts (after the disconnected grace, or on ICE failure) are offered by the
 * impolite side only; the polite side keeps the same restart budget and timers but waits for that
 * offer, because a polite restart offer crossing the impolite one would be rolled back, and a
 * rollback kills an established audio channel in libwebrtc (see {@link #attemptIceRestart}).
 *
 * <p>Confined to the session's {@link SessionLoop}. Each negotiation step (createOffer → SLD → send;
 * verify → [rollback] → SRD → createAnswer → SLD → send) runs to completion inside one loop task,
 * awaiting the native callbacks with a bound; they run on the signaling thread, which we never block.
 */
@Slf4j
final class Negotiation {

    /** What the rest of the session adds to negotiation. Called on the loop. */
    interface Hooks {
        /** Before answering an offer: the negotiated chat channel must exist on this side too. */
        void beforeAnswer();

        /** Whether the session needs another negotiation for its own reason, given our local description. */
        boolean needsNegotiation(String localSdp);

        /** After a negotiation settled in stable (candidates flushed, restarts settled). */
        void settled();
    }

    private final SessionLoop loop;
    private final RTCPeerConnection pc;
    private final boolean polite;
    private final RtcConfig config;
    private final SignalingChannel signaling;
    private final DescriptionVerifier verifier;
    private final SdpOperations ops;
    private final Hooks hooks;
    private final Consumer<CloseReason> closer;
    private final String remotePeerId;

    private volatile String localSdp;

    // ---- confined to the loop ----
    private boolean negotiationNeeded;
    private boolean descriptionsExchanged;
    private final List<RTCIceCandidate> pendingCandidates = new ArrayList<>();
    private boolean iceRestartPending;
    private String ufragBeforeRestart;
    private final List<CompletableFuture<Void>> restartWaiters = new ArrayList<>();
    private int restartAttempts;
    private final SessionLoop.Timer graceTimer;
    private final SessionLoop.Timer restartTimer;
    private final SessionLoop.Timer connectTimer;
    private boolean connectTimerStarted;
    private boolean everConnected;
    private RTCPeerConnectionState connectionState = RTCPeerConnectionState.NEW;
    private SessionState reportedState;

    Negotiation(SessionLoop loop, RTCPeerConnection pc, boolean polite, RtcConfig config, SignalingChannel signaling,
                DescriptionVerifier verifier, AudioSendGate gate, Hooks hooks, Consumer<CloseReason> closer) {
        this.loop = loop;
        this.pc = pc;
        this.polite = polite;
        this.config = config;
        this.signaling = signaling;
        this.verifier = verifier;
        this.ops = new SdpOperations(pc, gate);
        this.hooks = hooks;
        this.closer = closer;
        this.remotePeerId = loop.remotePeerId();
        this.graceTimer = loop.timer("disconnected grace");
        this.restartTimer = loop.timer("ICE restart timeout");
        this.connectTimer = loop.timer("connect timeout");
    }

    /** Our current local description (any thread); null before the first. */
    String localSdp() {
        return localSdp;
    }

    Optional<SdpFingerprints.Fingerprint> localFingerprint() {
        String sdp = localSdp;
        return sdp == null ? Optional.empty() : SdpFingerprints.single(sdp);
    }

    boolean everConnected() {
        return everConnected;
    }

    /** Both descriptions applied and back in stable: what a caller waiting for a negotiation needs. */
    boolean settledInStable() {
        return descriptionsExchanged && pc.getSignalingState() == RTCSignalingState.STABLE;
    }

    /** Something changed that needs an offer: negotiate now if stable, else once stable again. */
    void renegotiate() throws Exception {
        negotiationNeeded = true;
        maybeNegotiate();
    }

    /** Starts the bounded wait for a first connection (dial, or the first remote offer); once. */
    void startConnectTimer() {
        if (connectTimerStarted || everConnected) {
            return;
        }
        connectTimerStarted = true;
        connectTimer.start(config.connectTimeout(), () -> {
            if (!everConnected) {
                closer.accept(new CloseReason(CloseReason.Kind.CONNECT_TIMEOUT,
                        "not connected after " + config.connectTimeout()));
            }
        });
    }

    // ---- offers ----

    /** W3C webrtc-pc §10.7, the onnegotiationneeded half, with an explicit createOffer/SLD. */
    private void maybeNegotiate() throws Exception {
        if (loop.closing() || !negotiationNeeded) {
            return;
        }
        // Our ops are serialised on the loop, so "makingOffer" of the spec's example can never be
        // observed by the description handler; the signaling state is the whole story.
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
        RTCSessionDescription offer = ops.createOffer(options);
        ops.setLocal(offer);
        descriptionsExchanged = false;
        localSdp = offer.sdp;
        sendDescription(DescriptionType.OFFER, offer.sdp);
    }

    /**
     * webrtc-java only offers the legacy negotiationneeded event, which can be stale (e.g. after a
     * polite rollback the peer's offer may already have covered it). Our reasons: the first SCTP
     * channel, ICE restarts, and whatever the {@link Hooks} add (audio).
     */
    private boolean stillNeedsNegotiation() {
        if (iceRestartPending) {
            return true;
        }
        String sdp = localSdp;
        if (sdp == null || !sdp.contains("\nm=application ")) {
            return true;
        }
        return hooks.needsNegotiation(sdp);
    }

    // ---- remote descriptions ----

    /** W3C webrtc-pc §10.7, the onmessage({description}) half. */
    void onRemoteDescription(DescriptionType type, String sdp, Object proofContext) throws Exception {
        if (loop.closing()) {
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
            ops.setLocal(new RTCSessionDescription(RTCSdpType.ROLLBACK, ""));
            negotiationNeeded = true; // re-checked once stable again
        }
        if (type == DescriptionType.OFFER) {
            startConnectTimer();
        }
        ops.setRemote(new RTCSessionDescription(
                type == DescriptionType.OFFER ? RTCSdpType.OFFER : RTCSdpType.ANSWER, sdp));
        if (type == DescriptionType.OFFER) {
            hooks.beforeAnswer();
            RTCSessionDescription answer = ops.createAnswer();
            ops.setLocal(answer);
            localSdp = answer.sdp;
            sendDescription(DescriptionType.ANSWER, answer.sdp);
        }
        onNegotiationSettled();
    }

    private void rejectDescription(DescriptionType type, Exception e) {
        String reason = "remote " + type.name().toLowerCase() + " from " + remotePeerId + " rejected: "
                + e.getMessage();
        log.warn(reason);
        loop.emit((l, s) -> l.onSecurityError(s, reason));
        if (!everConnected) {
            closer.accept(new CloseReason(CloseReason.Kind.SECURITY, reason));
        }
        // Once connected, the running DTLS session is still the verified one: keep it and ignore
        // this description (an untrusted server must not be able to hang us up).
    }

    /** Called after we return to stable: flush candidates, settle restarts, negotiate if owed. */
    private void onNegotiationSettled() throws Exception {
        if (loop.closing() || pc.getSignalingState() != RTCSignalingState.STABLE) {
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
        hooks.settled();
        maybeNegotiate();
    }

    // ---- candidates ----

    /** A trickled candidate from the peer: applied once both descriptions are, else kept until then. */
    void onRemoteCandidate(RTCIceCandidate c) {
        if (loop.closing()) {
            return;
        }
        // The native stack drops candidates unless both descriptions are set (shared notes §6).
        if (settledInStable()) {
            pc.addIceCandidate(c);
        } else {
            pendingCandidates.add(c);
        }
    }

    /** One of our candidates, gathered: to the peer. */
    void sendCandidate(String sdp, String mid, int index) {
        if (loop.closing()) {
            return;
        }
        try {
            signaling.sendCandidate(sdp, mid, index);
        } catch (Throwable t) {
            log.warn("could not send a candidate to {}: {}", remotePeerId, t.toString());
        }
    }

    void sendEndOfCandidates() {
        if (loop.closing()) {
            return;
        }
        try {
            signaling.sendEndOfCandidates();
        } catch (Throwable t) {
            log.warn("could not send end-of-candidates to {}: {}", remotePeerId, t.toString());
        }
    }

    private void sendDescription(DescriptionType type, String sdp) {
        try {
            signaling.sendDescription(type, sdp);
        } catch (Throwable t) {
            log.warn("could not send {} to {}: {}", type, remotePeerId, t.toString());
        }
    }

    // ---- ICE restart ----

    /** {@code done} completes when a negotiation with new local ICE credentials has finished. */
    void restartIce(CompletableFuture<Void> done) throws Exception {
        restartWaiters.add(done);
        requestIceRestart();
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
        renegotiate();
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

    // ---- connection state and resilience ----

    void onConnectionState(RTCPeerConnectionState s) throws Exception {
        if (loop.closing()) {
            return;
        }
        connectionState = s;
        switch (s) {
            case NEW -> { }
            case CONNECTING -> report(SessionState.CONNECTING);
            case CONNECTED -> {
                everConnected = true;
                restartAttempts = 0;
                cancelTimers();
                report(SessionState.CONNECTED);
            }
            case DISCONNECTED -> {
                report(SessionState.DISCONNECTED);
                // Transient loss: give ICE a grace period to recover by itself (RFC 8445 §9 restarts
                // are the fallback), then restart: the impolite side offers, the polite side waits for
                // that offer within the same budget (attemptIceRestart).
                if (!graceTimer.pending() && !restartTimer.pending()) {
                    graceTimer.start(config.disconnectedGrace(), () -> {
                        if (connectionState == RTCPeerConnectionState.DISCONNECTED
                                || connectionState == RTCPeerConnectionState.FAILED) {
                            attemptIceRestart("disconnected for " + config.disconnectedGrace());
                        }
                    });
                }
            }
            case FAILED -> {
                report(SessionState.FAILED);
                graceTimer.cancel();
                if (!restartTimer.pending()) {
                    attemptIceRestart("ICE failed");
                }
            }
            case CLOSED -> { } // reported when the session closes
        }
    }

    private void attemptIceRestart(String why) throws Exception {
        if (loop.closing()) {
            return;
        }
        if (restartAttempts >= config.maxIceRestarts()) {
            closer.accept(new CloseReason(CloseReason.Kind.ICE_FAILED,
                    why + "; gave up after " + restartAttempts + " ICE restarts"));
            return;
        }
        restartAttempts++;
        if (polite) {
            // Only the impolite side offers automatic ICE restarts. After an outage both sides notice at
            // about the same time; two restart offers cross, and perfect negotiation makes the polite side
            // roll its own back. libwebrtc's rollback destroys the audio channel's send and receive streams
            // and the peer's offer re-creates them with the same SSRCs, which the sender and receiver take
            // for "unchanged": no RTP is sent and decoded audio reaches no sink, for the rest of the session
            // (docs/calls.md § Audio after an outage). So the polite side counts the same budget, on the same
            // timers, but lets the impolite side's offer restart ICE; if none comes, the budget ends the session.
            log.info("{}: waiting for {}'s ICE restart ({}/{})", why, remotePeerId, restartAttempts, config.maxIceRestarts());
        } else {
            log.info("{}: ICE restart {}/{} with {}", why, restartAttempts, config.maxIceRestarts(), remotePeerId);
            requestIceRestart();
        }
        restartTimer.start(config.iceRestartTimeout(), () -> {
            if (connectionState != RTCPeerConnectionState.CONNECTED) {
                attemptIceRestart("still " + connectionState + " after restart " + restartAttempts);
            }
        });
    }

    private void report(SessionState state) {
        if (state != reportedState) {
            reportedState = state;
            loop.emit((l, s) -> l.onStateChange(s, state));
        }
    }

    // ---- close ----

    /** First step of closing: no timer fires any more. */
    void cancelTimers() {
        connectTimer.cancel();
        graceTimer.cancel();
        restartTimer.cancel();
    }

    /** After the connection closed: whoever waits for a restart learns why. */
    void closed(IllegalStateException gone) {
        restartWaiters.forEach(w -> w.completeExceptionally(gone));
        restartWaiters.clear();
        reportedState = SessionState.CLOSED;
    }
}
