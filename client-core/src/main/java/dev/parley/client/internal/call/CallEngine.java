package dev.parley.client.internal.call;

import dev.parley.client.internal.Ids;
import dev.parley.client.CallId;
import dev.parley.client.CallStats;
import dev.parley.client.CallRecord;
import dev.parley.client.CallEndReason;
import dev.parley.client.Direction;
import dev.parley.client.internal.audio.AudioPump;
import dev.parley.client.internal.audio.CallAudio;
import dev.parley.client.internal.audio.PcmSource;
import dev.parley.client.internal.audio.SilenceSource;
import dev.parley.client.internal.audio.AudioStatsSample;
import dev.parley.client.internal.rtc.SessionClosedException;
import dev.parley.client.internal.audio.PeerAudio;
import dev.parley.client.internal.session.PeerFeature;
import dev.parley.client.internal.session.PeerLink;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.peer.CallAccept;
import dev.parley.protocol.peer.CallBusy;
import dev.parley.protocol.peer.CallCancel;
import dev.parley.protocol.peer.CallDecline;
import dev.parley.protocol.peer.CallHangup;
import dev.parley.protocol.peer.CallInvite;
import dev.parley.protocol.peer.PeerMessage;
import dev.parley.client.internal.time.Scheduler;
import lombok.extern.slf4j.Slf4j;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * 1:1 voice calls over the verified peer sessions: the call lifecycle as control messages on the chat
 * channel ({@code call-invite}, {@code call-accept}, {@code call-decline}, {@code call-busy},
 * {@code call-cancel}, {@code call-hangup}; docs/calls.md), the audio through {@link PeerAudio},
 * and statistics. One call at a time: a second invite is answered {@code call-busy}.
 *
 * <p>Threading: all state lives on one engine thread ({@code parley-call}, or the single-threaded
 * executor passed in). {@link PeerFeature} callbacks (session threads) and the public methods (any
 * thread) only post to it; {@link CallListener} events are delivered on it. Nothing here runs on a
 * WebRTC thread: stats replies are continued on the engine thread.
 *
 * <p>Failure: a control message that cannot be sent, audio that does not start within
 * {@link CallConfig#audioStart()}, a lost session or {@link CallConfig#mediaTimeout()} without audio
 * all end the call with an {@link CallEvent.Ended} (FAILED or CONNECTION_LOST).
 */
@Slf4j
final class CallEngine implements PeerFeature, AutoCloseable {

    private enum State { DIALING, RINGING, ACTIVE }

    private final CallListener listener;
    private final CallConfig config;
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private final Scheduler scheduler;
    private final boolean ownsExecutor;
    private volatile CallStats latestStats;
    /** Another kind of call (a group call) holds this member: invites are answered busy, dialing fails. */
    private volatile java.util.function.BooleanSupplier otherCall = () -> false;
    /** Whether a call is dialing, ringing or active (read by the group-call engine's busy check). */
    private volatile boolean inCall;

    // ---- confined to the engine thread ----
    private final Map<PeerId, PeerLink> links = new HashMap<>();
    private Call current;
    private boolean closed;

    /** A call engine with its own thread. */
    public CallEngine(CallListener listener, CallConfig config, Clock clock) {
        this(listener, config, clock, Scheduler.system());
    }

    /** A call engine with its own thread whose timeouts run on {@code scheduler}. */
    public CallEngine(CallListener listener, CallConfig config, Clock clock, Scheduler scheduler) {
        this(listener, config, clock, newEngineThread(), true, scheduler);
    }

    /** A call engine on {@code executor}, which must be single-threaded (timers are handed to it). */
    public CallEngine(CallListener listener, CallConfig config, Clock clock, ScheduledExecutorService executor) {
        this(listener, config, clock, executor, false, Scheduler.system());
    }

    private CallEngine(CallListener listener, CallConfig config, Clock clock, ScheduledExecutorService executor,
                       boolean ownsExecutor, Scheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.ownsExecutor = ownsExecutor;
    }

    private static ScheduledExecutorService newEngineThread() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "parley-call");
            t.setDaemon(true);
            return t;
        });
        e.setRemoveOnCancelPolicy(true);
        return e;
    }

    // =====================================================================================
    // Public API: any thread.
    // =====================================================================================

    /**
     * Call {@code peer}, which must have a live link.
     *
     * @return the new call's id; fails if there is no link to the peer or a call is already in progress
     */
    public CompletionStage<CallId> dial(PeerId peer, CallAudio audio) {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(audio, "audio");
        CompletableFuture<CallId> result = new CompletableFuture<>();
        post("dial", () -> {
            PeerLink link = links.get(peer);
            if (closed || link == null) {
                result.completeExceptionally(new IllegalStateException(
                        "not connected to " + peer.shortForm() + ": the peer must be online to take a call"));
                return;
            }
            if (current != null) {
                result.completeExceptionally(new IllegalStateException("already in a call (" + current.id + ")"));
                return;
            }
            if (otherCall.getAsBoolean()) {
                result.completeExceptionally(new IllegalStateException("already in a group call"));
                return;
            }
            Call c = new Call(CallId.random(), peer, Direction.OUTGOING, link, now());
            c.audio = audio;
            setCurrent(c);
            c.state = State.DIALING;
            emit(new CallEvent.Dialing(c.id, peer));
            result.complete(c.id);
            // The ring-out clock starts before the invite leaves: the callee may ring (and a test, or
            // the app, look at the caller) before this task would otherwise have got to it.
            c.ringTimer = schedule(config.ringTimeout(), () -> {
                if (current == c && c.state == State.DIALING) {
                    c.link.sendControl(new CallCancel(c.id.value(), CallCancel.NO_ANSWER));
                    end(c, CallEndReason.NO_ANSWER, true);
                }
            });
            if (!link.sendControl(new CallInvite(c.id.value(), c.startedAt.toEpochMilli()))) {
                end(c, CallEndReason.FAILED, true); // cancels the ring timer
            }
        });
        return result;
    }

    /** Answer the ringing call {@code id}. Ignored if it is not ringing here any more. */
    public void accept(CallId id, CallAudio audio) {
        Objects.requireNonNull(audio, "audio");
        post("accept", () -> {
            Call c = ringing(id);
            if (c == null) {
                return;
            }
            c.audio = audio;
            if (!c.link.sendControl(new CallAccept(id.value()))) {
                end(c, CallEndReason.FAILED, true);
                return;
            }
            answered(c);
        });
    }

    /** Refuse the ringing call {@code id}. */
    public void decline(CallId id) {
        post("decline", () -> {
            Call c = ringing(id);
            if (c != null) {
                c.link.sendControl(new CallDecline(id.value()));
                end(c, CallEndReason.DECLINED, true);
            }
        });
    }

    /** End call {@code id} in any state: cancel it while dialing, decline it while ringing, hang up when answered. */
    public void hangUp(CallId id) {
        post("hang up", () -> {
            Call c = current;
            if (c == null || !c.id.equals(id)) {
                return;
            }
            switch (c.state) {
                case DIALING -> {
                    c.link.sendControl(new CallCancel(id.value(), CallCancel.CALLER));
                    end(c, CallEndReason.CANCELLED, true);
                }
                case RINGING -> {
                    c.link.sendControl(new CallDecline(id.value()));
                    end(c, CallEndReason.DECLINED, true);
                }
                case ACTIVE -> {
                    c.link.sendControl(new CallHangup(id.value(), CallHangup.NORMAL));
                    end(c, CallEndReason.COMPLETED, true);
                }
            }
        });
    }

    /** Mute or unmute our microphone in call {@code id}; the peer hears silence while muted. */
    public void setMuted(CallId id, boolean muted) {
        post("mute", () -> {
            Call c = current;
            if (c == null || !c.id.equals(id) || c.muted == muted) {
                return;
            }
            c.muted = muted;
            if (c.pump != null) {
                c.pump.setMuted(muted);
            }
            if (c.peerAudio != null && !c.peerAudio.headless()) {
                c.peerAudio.setMuted(muted);
            }
            emit(new CallEvent.MuteChanged(id, muted));
        });
    }

    /** Calls of another kind that make this member busy for 1:1 calls (the group-call engine's). */
    void setOtherCall(java.util.function.BooleanSupplier other) {
        this.otherCall = Objects.requireNonNull(other, "other");
    }

    /** Whether a 1:1 call is dialing, ringing or active now. Any thread. */
    boolean inCall() {
        return inCall;
    }

    /** The most recent statistics of the answered call, if any. */
    public Optional<CallStats> latestStats() {
        return Optional.ofNullable(latestStats);
    }

    /** Hang up any call and stop the engine thread (if it owns it). Blocks up to ~5 s. */
    @Override
    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        post("close", () -> {
            closed = true;
            Call c = current;
            if (c != null) {
                switch (c.state) {
                    case DIALING -> c.link.sendControl(new CallCancel(c.id.value(), CallCancel.CALLER));
                    case RINGING -> c.link.sendControl(new CallDecline(c.id.value()));
                    case ACTIVE -> c.link.sendControl(new CallHangup(c.id.value(), CallHangup.NORMAL));
                }
                end(c, c.state == State.ACTIVE ? CallEndReason.COMPLETED
                        : c.state == State.DIALING ? CallEndReason.CANCELLED : CallEndReason.DECLINED, true);
            }
            done.complete(null);
        });
        try {
            done.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.debug("call engine close", e);
        }
        if (ownsExecutor) {
            executor.shutdownNow();
        }
    }

    // =====================================================================================
    // PeerFeature: session threads; hand off.
    // =====================================================================================

    @Override
    public void onLinkUp(PeerLink link) {
        post("link up", () -> links.put(link.peer(), link));
    }

    @Override
    public void onLinkDown(PeerId peer) {
        post("link down", () -> {
            links.remove(peer);
            Call c = current;
            if (c != null && c.peer.equals(peer)) {
                end(c, CallEndReason.CONNECTION_LOST, true);
            }
        });
    }

    /**
     * The path to the peer dropped or came back (same session). While it is down no audio can arrive, so
     * the media watchdog does not count that time: the session's own bound (ICE restarts, then
     * {@link #onLinkDown}) decides whether the peer is gone, and the watchdog starts afresh once the
     * path is back.
     */
    @Override
    public void onLinkInterrupted(PeerId peer, boolean interrupted) {
        post("link interrupted " + interrupted, () -> {
            Call c = current;
            if (c != null && c.peer.equals(peer)) {
                c.interrupted = interrupted;
                c.lastProgressAt = now();
            }
        });
    }

    @Override
    public void onControl(PeerId peer, PeerMessage message) {
        // Java 17: no pattern switch yet; chat and transfer messages fall through untouched.
        if (message instanceof CallInvite m) {
            post("invite", () -> onInvite(peer, new CallId(m.callId())));
        } else if (message instanceof CallAccept m) {
            post("accept", () -> {
                Call c = mine(peer, m.callId(), State.DIALING);
                if (c != null) {
                    answered(c);
                }
            });
        } else if (message instanceof CallDecline m) {
            post("declined", () -> endIf(mine(peer, m.callId(), State.DIALING), CallEndReason.DECLINED));
        } else if (message instanceof CallBusy m) {
            post("busy", () -> endIf(mine(peer, m.callId(), State.DIALING), CallEndReason.BUSY));
        } else if (message instanceof CallCancel m) {
            post("cancelled", () -> endIf(mine(peer, m.callId(), State.RINGING),
                    CallCancel.NO_ANSWER.equals(m.reason()) ? CallEndReason.NO_ANSWER : CallEndReason.CANCELLED));
        } else if (message instanceof CallHangup m) {
            CallEndReason reason = switch (m.reason()) {
                case CallHangup.MEDIA_TIMEOUT -> CallEndReason.CONNECTION_LOST;
                case CallHangup.ERROR -> CallEndReason.FAILED;
                default -> CallEndReason.COMPLETED;
            };
            post("hung up", () -> endIf(mine(peer, m.callId(), null), reason));
        }
    }

    // =====================================================================================
    // Engine thread.
    // =====================================================================================

    private void onInvite(PeerId peer, CallId id) {
        PeerLink link = links.get(peer);
        if (link == null || closed) {
            return; // raced with link down; the caller's ring timeout ends it
        }
        Call c = current;
        if (c != null && c.id.equals(id)) {
            return; // duplicate
        }
        if (c != null && c.peer.equals(peer) && c.state == State.DIALING) {
            // Glare: both dialled each other. Lower call id wins, on both sides alike.
            if (c.id.compareTo(id) < 0) {
                return; // ours survives; the peer folds its call into ours
            }
            cancel(c.ringTimer);
            setCurrent(null);
            emit(new CallEvent.Superseded(c.id, id));
            Call theirs = new Call(id, peer, Direction.INCOMING, link, c.startedAt);
            theirs.audio = c.audio;
            theirs.muted = c.muted;
            setCurrent(theirs);
            theirs.state = State.RINGING;
            if (!link.sendControl(new CallAccept(id.value()))) {
                end(theirs, CallEndReason.FAILED, true);
                return;
            }
            answered(theirs);
            return;
        }
        if (c != null || otherCall.getAsBoolean()) {
            link.sendControl(new CallBusy(id.value()));
            Instant t = now();
            emit(new CallEvent.Ended(id, new CallRecord(id, Ids.app(peer), Direction.INCOMING, CallEndReason.BUSY, true,
                    t, null, t)));
            return;
        }
        Call in = new Call(id, peer, Direction.INCOMING, link, now());
        in.state = State.RINGING;
        setCurrent(in);
        emit(new CallEvent.Ringing(id, peer));
        in.ringTimer = schedule(config.ringTimeout().plus(config.ringGrace()), () -> {
            if (current == in && in.state == State.RINGING) {
                end(in, CallEndReason.NO_ANSWER, true); // the caller's cancel never came
            }
        });
    }

    private void answered(Call c) {
        cancel(c.ringTimer);
        c.state = State.ACTIVE;
        c.answeredAt = now();
        emit(new CallEvent.Answered(c.id, c.peer));
        PeerAudio audio = c.link.audio().orElse(null);
        if (audio == null) {
            hangUpInternal(c, CallHangup.ERROR, CallEndReason.FAILED);
            return;
        }
        c.peerAudio = audio;
        if (!audio.headless() && c.muted) {
            audio.setMuted(true);
        }
        audio.start(c.audio.sink()).toCompletableFuture()
                .orTimeout(config.audioStart().toMillis(), TimeUnit.MILLISECONDS)
                .whenCompleteAsync((ok, err) -> {
                    if (current != c) {
                        return;
                    }
                    if (err != null) {
                        Throwable cause = err instanceof java.util.concurrent.CompletionException ? err.getCause() : err;
                        if (cause instanceof SessionClosedException) {
                            end(c, CallEndReason.CONNECTION_LOST, true); // the link-down follows
                            return;
                        }
                        log.warn("call {}: audio did not start: {}", c.id, err.toString());
                        hangUpInternal(c, CallHangup.ERROR, CallEndReason.FAILED);
                        return;
                    }
                    audioStarted(c, audio);
                }, this::postRaw);
    }

    private void audioStarted(Call c, PeerAudio audio) {
        c.lastProgressAt = now();
        if (audio.headless()) {
            PcmSource src = c.audio.source() != null ? c.audio.source() : new SilenceSource();
            c.pump = new AudioPump(src, audio::push, null);
            c.pump.setMuted(c.muted);
            c.pump.start();
        }
        long ms = config.statsInterval().toMillis();
        c.statsTimer = scheduler.scheduleRepeating(Duration.ofMillis(ms), Duration.ofMillis(ms), executor,
                () -> safely("stats", () -> pollStats(c)));
    }

    private void pollStats(Call c) {
        if (current != c || c.peerAudio == null) {
            return;
        }
        c.peerAudio.stats().whenCompleteAsync((s, err) -> {
            if (current != c || s == null) {
                return;
            }
            onStats(c, s);
        }, this::postRaw);
    }

    private void onStats(Call c, AudioStatsSample s) {
        Instant t = now();
        AudioStatsSample prev = c.lastSample;
        c.lastSample = s;
        if (prev == null || s.packetsReceived() > prev.packetsReceived() || c.interrupted) {
            c.lastProgressAt = t;
        } else if (Duration.between(c.lastProgressAt, t).compareTo(config.mediaTimeout()) >= 0) {
            log.info("call {}: no audio from {} for {}; hanging up", c.id, c.peer.shortForm(), config.mediaTimeout());
            hangUpInternal(c, CallHangup.MEDIA_TIMEOUT, CallEndReason.CONNECTION_LOST);
            return;
        }
        double dt = prev == null ? 0 : (s.timestampUs() - prev.timestampUs()) / 1e6;
        long sendBps = 0, recvBps = 0;
        double loss = 0;
        if (prev != null && dt > 0) {
            sendBps = Math.round((s.bytesSent() - prev.bytesSent()) * 8 / dt);
            recvBps = Math.round((s.bytesReceived() - prev.bytesReceived()) * 8 / dt);
            long lost = Math.max(0, s.packetsLost() - prev.packetsLost());
            long got = Math.max(0, s.packetsReceived() - prev.packetsReceived());
            loss = lost + got == 0 ? 0 : (double) lost / (lost + got);
        }
        CallStats stats = new CallStats(c.id, t,
                Double.isNaN(s.roundTripTimeS()) ? null : Duration.ofNanos(Math.round(s.roundTripTimeS() * 1e9)),
                Double.isNaN(s.jitterS()) ? null : Duration.ofNanos(Math.round(s.jitterS() * 1e9)),
                loss, sendBps, recvBps, s.codec(), s.packetsSent(), s.packetsReceived(), s.packetsLost());
        latestStats = stats;
        emit(new CallEvent.Stats(c.id, stats));
    }

    private void hangUpInternal(Call c, String wireReason, CallEndReason reason) {
        c.link.sendControl(new CallHangup(c.id.value(), wireReason));
        end(c, reason, true);
    }

    /** The current call if it is {@code id}, from {@code peer}, in {@code state} (any if null). */
    private Call mine(PeerId peer, java.util.UUID id, State state) {
        Call c = current;
        if (c == null || !c.peer.equals(peer) || !c.id.value().equals(id) || (state != null && c.state != state)) {
            return null;
        }
        return c;
    }

    private Call ringing(CallId id) {
        Call c = current;
        return c != null && c.id.equals(id) && c.state == State.RINGING ? c : null;
    }

    private void endIf(Call c, CallEndReason reason) {
        if (c != null) {
            end(c, reason, false);
        }
    }

    private void end(Call c, CallEndReason reason, boolean local) {
        if (current != c) {
            return;
        }
        setCurrent(null);
        cancel(c.ringTimer);
        cancel(c.statsTimer);
        if (c.pump != null) {
            c.pump.close(); // joins: nothing pushes after this
        } else if (c.audio != null && c.audio.source() != null) {
            c.audio.source().close();
        }
        if (c.peerAudio != null) {
            c.peerAudio.stop();
        }
        latestStats = null;
        emit(new CallEvent.Ended(c.id, new CallRecord(c.id, Ids.app(c.peer), c.direction, reason, local, c.startedAt,
                c.answeredAt, now())));
    }

    private void setCurrent(Call c) {
        current = c;
        inCall = c != null;
    }

    private Instant now() {
        return clock.instant();
    }

    private void emit(CallEvent e) {
        try {
            listener.onCallEvent(e);
        } catch (Throwable t) {
            log.warn("call listener threw on {}", e, t);
        }
    }

    private Scheduler.Timer schedule(Duration d, Runnable r) {
        return scheduler.schedule(d, executor, () -> safely("timer", r));
    }

    private static void cancel(Scheduler.Timer t) {
        if (t != null) {
            t.cancel();
        }
    }

    private void post(String what, Runnable r) {
        postRaw(() -> safely(what, r));
    }

    private void postRaw(Runnable r) {
        try {
            executor.execute(r);
        } catch (RejectedExecutionException e) {
            log.debug("call engine closed; dropped a task");
        }
    }

    private static void safely(String what, Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            log.warn("call engine: {} failed", what, t);
        }
    }

    /** One call; engine thread only. */
    private static final class Call {
        final CallId id;
        final PeerId peer;
        final Direction direction;
        final PeerLink link;
        final Instant startedAt;
        State state;
        Instant answeredAt;
        CallAudio audio;
        PeerAudio peerAudio;
        AudioPump pump;
        boolean muted;
        Scheduler.Timer ringTimer;
        Scheduler.Timer statsTimer;
        AudioStatsSample lastSample;
        Instant lastProgressAt;
        /** The link's path is down (ICE reconnecting): no media expected, the watchdog waits. */
        boolean interrupted;

        Call(CallId id, PeerId peer, Direction direction, PeerLink link, Instant startedAt) {
            this.id = id;
            this.peer = peer;
            this.direction = direction;
            this.link = link;
            this.startedAt = startedAt;
        }
    }
}
