package dev.parley.client.internal.groupcall;

import dev.parley.client.CallId;
import dev.parley.client.CallStats;
import dev.parley.client.GroupCallInfo;
import dev.parley.client.ParleyEvent;
import dev.parley.client.internal.DaemonThreads;
import dev.parley.client.internal.Ids;
import dev.parley.client.internal.audio.AudioStatsSample;
import dev.parley.client.internal.event.EventSink;
import dev.parley.client.internal.session.PeerFeature;
import dev.parley.client.internal.session.PeerLink;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.peer.GroupCallRefused;
import dev.parley.protocol.peer.GroupCallState;
import dev.parley.protocol.peer.PeerMessage;
import lombok.extern.slf4j.Slf4j;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Group calls (docs/protocol.md § Group calls): who is in each group's call, counted from the
 * {@code group-call} messages each member sends about itself over its verified pairwise session, and
 * a full mesh of audio (one {@link PairAudio} per other participant) while this member is in it.
 *
 * <p>Threads: one worker ({@code parley-group-call}) owns all state, sends and events; session
 * threads and API callers hand off (API calls wait for the worker's answer, a few milliseconds).
 * Audio start completions come back to the worker.
 */
@Slf4j
public final class GroupCallEngine implements PeerFeature, AutoCloseable {
    /** Reasons in {@link ParleyEvent.GroupCallParticipantLeft}. */
    public static final String LEFT = "left";
    public static final String CONNECTION_LOST = "connection-lost";
    public static final String FULL = "full";
    public static final String SUPERSEDED = "superseded";

    private final PeerId me;
    private final Function<GroupId, Optional<Set<PeerId>>> members;
    private final BooleanSupplier otherCallActive;
    private final EventSink events;
    private final Clock clock;
    private volatile int maxParticipants;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(DaemonThreads.named("parley-group-call"));
    /** Only ticks: every {@link #STATS_INTERVAL_MS} the worker polls each pair's statistics. */
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("parley-group-call-stats"));
    static final long STATS_INTERVAL_MS = 1_000;
    /** How often the active speaker is looked at (its levels are smoothed over 300 ms: SpeakerLevels). */
    static final long SPEAKER_INTERVAL_MS = 200;
    /**
     * How long a participant whose path dropped stays "reconnecting" before it is reported left
     * ({@code connection-lost}): longer than a session's own recovery (3 s grace + 3 ICE restarts of
     * 10 s) plus a redial, so a participant that can come back does.
     */
    public static final java.time.Duration RECONNECT_BOUND = java.time.Duration.ofSeconds(45);
    private volatile java.time.Duration reconnectBound = RECONNECT_BOUND;
    private final Map<PeerId, PeerLink> links = new ConcurrentHashMap<>();
    /** Read by {@link #inCall()} from other threads (the 1:1 engine's busy check). */
    private volatile boolean anyJoined;
    // Worker thread only:
    private final Map<GroupId, Call> calls = new HashMap<>();
    private boolean closed;

    /**
     * @param members         the other members of a group this member has joined (empty if not a member), any thread
     * @param otherCallActive whether a 1:1 call is ringing or running (then joining is refused), any thread
     * @param maxParticipants {@link GroupCallInfo#MAX_PARTICIPANTS} in production
     */
    public GroupCallEngine(PeerId me, Function<GroupId, Optional<Set<PeerId>>> members, BooleanSupplier otherCallActive,
                           EventSink events, Clock clock, int maxParticipants) {
        this.me = me;
        this.members = members;
        this.otherCallActive = otherCallActive;
        this.events = events;
        this.clock = clock;
        this.maxParticipants = maxParticipants;
        ticker.scheduleAtFixedRate(() -> later(this::pollStats), STATS_INTERVAL_MS, STATS_INTERVAL_MS, TimeUnit.MILLISECONDS);
        ticker.scheduleAtFixedRate(() -> later(this::checkSpeakers), SPEAKER_INTERVAL_MS, SPEAKER_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    /** One group's call; worker thread only. */
    private static final class Call {
        final GroupId group;
        final UUID id;
        final long startedAtMs;
        /** Other members that said they are in, in the order we heard it. */
        final Set<PeerId> in = new LinkedHashSet<>();
        /** Those of {@link #in} whose last {@code group-call} said muted. */
        final Set<PeerId> muted = new HashSet<>();
        /** Those of {@link #in} whose path is down, each with the timer that reports it left. */
        final Map<PeerId, ScheduledFuture<?>> reconnecting = new HashMap<>();
        /** Non-null while this member is in the call. */
        MeshAudio media;
        /** The last statistics sample of each pair's audio (rates come from two). */
        final ParticipantStats stats = new ParticipantStats();
        /** The active speaker last published (null: nobody). */
        PeerId speaker;

        Call(GroupId group, UUID id, long startedAtMs) {
            this.group = group;
            this.id = id;
            this.startedAtMs = startedAtMs;
        }

        int participants() {
            return in.size() + (media != null ? 1 : 0);
        }
    }

    // ---------------------------------------------------------------- API (any thread)

    /**
     * Joins the group's call, starting one if the group has none this member knows of.
     *
     * @throws IllegalStateException not a member, in another call, or the call is full
     */
    public CallId startOrJoin(GroupId group, MeshAudio.Media media) {
        return call(() -> {
            Call c = calls.get(group);
            return c != null ? joinLocked(c, media) : startLocked(group, media);
        });
    }

    /** Joins the group's running call; fails if there is none (or as {@link #startOrJoin}). */
    public CallId join(GroupId group, MeshAudio.Media media) {
        return call(() -> {
            Call c = calls.get(group);
            if (c == null) throw new IllegalStateException("no call in group " + group.shortForm() + " to join");
            return joinLocked(c, media);
        });
    }

    /** Leaves the group's call (no-op if not in it). */
    public void leave(GroupId group) {
        call(() -> {
            Call c = calls.get(group);
            if (c != null && c.media != null) leaveLocked(c, LEFT, true);
            return null;
        });
    }

    /**
     * Mutes or unmutes this member in the group's call: the others hear silence, and each member is
     * told ({@code group-call{in:true, muted}}); a no-op if it already is.
     */
    public void setMuted(GroupId group, boolean muted) {
        call(() -> {
            Call c = calls.get(group);
            if (c == null || c.media == null) throw new IllegalStateException("not in a call in group " + group.shortForm());
            if (c.media.muted() == muted) return null;
            c.media.setMuted(muted);
            publish(new ParleyEvent.GroupCallParticipantMuted(Ids.app(c.group), new CallId(c.id), Ids.app(me), muted));
            GroupCallState state = myState(c);
            for (PeerId p : members.apply(c.group).orElse(Set.of())) send(p, state);
            return null;
        });
    }

    /** Shortens the reconnect bound ({@link #RECONNECT_BOUND} in production; tests). */
    public void setReconnectBound(java.time.Duration bound) {
        if (bound.isNegative() || bound.isZero()) throw new IllegalArgumentException("a positive bound");
        this.reconnectBound = bound;
    }

    public Optional<GroupCallInfo> info(GroupId group) {
        return call(() -> Optional.ofNullable(calls.get(group)).map(this::info));
    }

    /** Lowers the participant limit (tests exercise "full" with fewer than 7 real peers). */
    public void setMaxParticipants(int max) {
        if (max < 2 || max > GroupCallInfo.MAX_PARTICIPANTS) throw new IllegalArgumentException("2.." + GroupCallInfo.MAX_PARTICIPANTS);
        this.maxParticipants = max;
    }

    /** Whether this member is in any group call now (a 1:1 invite is answered busy). Any thread, no wait. */
    public boolean inCall() {
        return anyJoined;
    }

    /** The participants whose audio is flowing to and from this member (tests, stats). */
    public Set<PeerId> audioPeers(GroupId group) {
        return call(() -> {
            Call c = calls.get(group);
            return c == null || c.media == null ? Set.<PeerId>of() : c.media.livePeers();
        });
    }

    // ---------------------------------------------------------------- worker

    private CallId startLocked(GroupId group, MeshAudio.Media media) {
        Set<PeerId> others = checkCanJoin(group);
        Call c = new Call(group, UUID.randomUUID(), clock.millis());
        calls.put(group, c);
        publish(new ParleyEvent.GroupCallStarted(Ids.app(group), new CallId(c.id), Ids.app(me)));
        enter(c, media, others);
        return new CallId(c.id);
    }

    private CallId joinLocked(Call c, MeshAudio.Media media) {
        if (c.media != null) return new CallId(c.id);
        Set<PeerId> others = checkCanJoin(c.group);
        if (c.participants() >= maxParticipants) {
            throw new IllegalStateException("the group call is full: " + maxParticipants
                    + " participants is the most a full mesh carries (each sends one stream to each other)");
        }
        enter(c, media, others);
        return new CallId(c.id);
    }

    private Set<PeerId> checkCanJoin(GroupId group) {
        if (closed) throw new IllegalStateException("client is closed");
        Set<PeerId> others = members.apply(group)
                .orElseThrow(() -> new IllegalStateException("not a member of group " + group.shortForm()));
        if (otherCallActive.getAsBoolean()) throw new IllegalStateException("busy: already in a call");
        for (Call other : calls.values()) {
            if (other.media != null && !other.group.equals(group)) {
                throw new IllegalStateException("busy: already in the call of group " + other.group.shortForm());
            }
        }
        return others;
    }

    private void enter(Call c, MeshAudio.Media media, Set<PeerId> others) {
        c.media = new MeshAudio(media, c.id);
        c.stats.clear();
        c.speaker = null;
        anyJoined = true;
        publish(new ParleyEvent.GroupCallParticipantJoined(Ids.app(c.group), new CallId(c.id), Ids.app(me)));
        GroupCallState state = myState(c);
        for (PeerId p : others) send(p, state);
        for (PeerId p : c.in) connect(c, p);
    }

    /** What this member says about itself while in {@code c}. */
    private GroupCallState myState(Call c) {
        return new GroupCallState(c.group, c.id, c.startedAtMs, true, c.media.muted());
    }

    private void leaveLocked(Call c, String reason, boolean tell) {
        MeshAudio m = c.media;
        c.media = null;
        anyJoined = calls.values().stream().anyMatch(x -> x.media != null);
        if (tell) {
            GroupCallState state = new GroupCallState(c.group, c.id, c.startedAtMs, false);
            for (PeerId p : members.apply(c.group).orElse(Set.of())) send(p, state);
        }
        m.close();
        publish(new ParleyEvent.GroupCallParticipantLeft(Ids.app(c.group), new CallId(c.id), Ids.app(me), reason));
        endIfEmpty(c);
    }

    private void endIfEmpty(Call c) {
        if (c.participants() == 0 && calls.get(c.group) == c) {
            calls.remove(c.group);
            publish(new ParleyEvent.GroupCallEnded(Ids.app(c.group), new CallId(c.id)));
        }
    }

    /** Starts audio with {@code peer} if both are in the call and a link is up. */
    private void connect(Call c, PeerId peer) {
        PeerLink link = links.get(peer);
        if (c.media == null || link == null || !c.in.contains(peer)) return;
        link.audio().ifPresentOrElse(a -> c.media.add(peer, a, this::later),
                () -> log.warn("group call {}: no audio on the session with {}", c.id, peer.shortForm()));
    }

    private void onState(PeerId peer, GroupCallState s) {
        if (!isMember(s.group(), peer)) return;
        Call c = calls.get(s.group());
        if (c != null && !c.id.equals(s.callId())) {
            if (!s.in() || compareUnsigned(s.callId(), c.id) > 0) {
                // A higher (losing) call: tell its participant about ours so it moves over.
                if (s.in() && c.media != null) send(peer, new GroupCallState(c.group, c.id, c.startedAtMs, true));
                return;
            }
            supersede(c, peer, s);
            c = calls.get(s.group());
        }
        if (c == null) {
            if (!s.in()) return;
            c = new Call(s.group(), s.callId(), s.startedAtMs());
            calls.put(s.group(), c);
            publish(new ParleyEvent.GroupCallStarted(Ids.app(c.group), new CallId(c.id), Ids.app(peer)));
        }
        CallId id = new CallId(c.id);
        if (s.in()) {
            if (c.in.contains(peer)) { // a repeat: a session reopened, or a mute change
                if (c.reconnecting.containsKey(peer)) { // it came back on a new session
                    backFromReconnecting(c, peer);
                    connect(c, peer);
                }
                setPeerMuted(c, peer, s.saysMuted());
                return;
            }
            if (c.media != null && c.participants() >= maxParticipants) {
                send(peer, new GroupCallRefused(c.group, c.id, GroupCallRefused.FULL));
                return;
            }
            c.in.add(peer);
            publish(new ParleyEvent.GroupCallParticipantJoined(Ids.app(c.group), id, Ids.app(peer)));
            setPeerMuted(c, peer, s.saysMuted());
            if (c.media != null) {
                send(peer, myState(c));
                connect(c, peer);
            }
        } else if (c.in.contains(peer)) {
            dropParticipant(c, peer, LEFT);
        }
    }

    /** Publishes {@code peer}'s mute flag if it changed (a participant counts as unmuted when it joins). */
    private void setPeerMuted(Call c, PeerId peer, boolean muted) {
        if (muted ? c.muted.add(peer) : c.muted.remove(peer)) {
            publish(new ParleyEvent.GroupCallParticipantMuted(Ids.app(c.group), new CallId(c.id), Ids.app(peer), muted));
        }
    }

    /** {@code peer} is out of {@code c}: its audio stops, and everyone hears why. */
    private void dropParticipant(Call c, PeerId peer, String reason) {
        c.in.remove(peer);
        c.muted.remove(peer);
        ScheduledFuture<?> timer = c.reconnecting.remove(peer);
        if (timer != null) timer.cancel(false);
        if (c.media != null) c.media.remove(peer);
        c.stats.remove(peer);
        publish(new ParleyEvent.GroupCallParticipantLeft(Ids.app(c.group), new CallId(c.id), Ids.app(peer), reason));
        endIfEmpty(c);
    }

    /** The path to {@code peer} dropped: shown as reconnecting until it is back or {@link #reconnectBound} passes. */
    private void startReconnecting(Call c, PeerId peer) {
        if (!c.in.contains(peer) || c.reconnecting.containsKey(peer)) return;
        long ms = reconnectBound.toMillis();
        Object[] self = new Object[1];
        ScheduledFuture<?> timer = ticker.schedule(() -> later(() -> {
            if (calls.get(c.group) == c && c.reconnecting.get(peer) == self[0]) {
                log.info("group call {}: {} not back within {} ms", c.id, peer.shortForm(), ms);
                dropParticipant(c, peer, CONNECTION_LOST);
            }
        }), ms, TimeUnit.MILLISECONDS);
        self[0] = timer;
        c.reconnecting.put(peer, timer);
        publish(new ParleyEvent.GroupCallParticipantReconnecting(Ids.app(c.group), new CallId(c.id), Ids.app(peer), true));
    }

    private void backFromReconnecting(Call c, PeerId peer) {
        ScheduledFuture<?> timer = c.reconnecting.remove(peer);
        if (timer == null) return;
        timer.cancel(false);
        publish(new ParleyEvent.GroupCallParticipantReconnecting(Ids.app(c.group), new CallId(c.id), Ids.app(peer), false));
    }

    /** A lower call id for the group arrived: ours ends here and, if we were in it, we move to theirs. */
    private void supersede(Call old, PeerId peer, GroupCallState s) {
        MeshAudio.Media media = old.media != null ? old.media.media() : null;
        if (old.media != null) {
            old.media.detachMedia(); // the files go on with the surviving call
            leaveLocked(old, SUPERSEDED, true);
        }
        for (PeerId p : List.copyOf(old.in)) dropParticipant(old, p, SUPERSEDED);
        endIfEmpty(old);
        Call c = new Call(s.group(), s.callId(), s.startedAtMs());
        calls.put(s.group(), c);
        publish(new ParleyEvent.GroupCallStarted(Ids.app(c.group), new CallId(c.id), Ids.app(peer)));
        if (media != null) enter(c, media, members.apply(c.group).orElse(Set.of()));
    }

    private void onRefused(PeerId peer, GroupCallRefused r) {
        Call c = calls.get(r.group());
        if (c == null || c.media == null || !c.id.equals(r.callId()) || !isMember(r.group(), peer)) return;
        log.info("group call {}: {} refused our join: {}", c.id, peer.shortForm(), r.reason());
        leaveLocked(c, FULL, true);
    }

    /**
     * The session with {@code peer} closed: its audio with us is gone, but a participant is shown as
     * reconnecting (not left) until it is back on a new session or the bound passes.
     */
    private void onLinkGone(PeerId peer) {
        for (Call c : List.copyOf(calls.values())) {
            if (c.media != null) c.media.remove(peer);
            c.stats.remove(peer);
            startReconnecting(c, peer);
        }
    }

    /** The path of the live session with {@code peer} dropped or recovered (the same session: its audio resumes by itself). */
    private void onLinkInterruptedLocked(PeerId peer, boolean interrupted) {
        for (Call c : List.copyOf(calls.values())) {
            if (interrupted) {
                startReconnecting(c, peer);
                continue;
            }
            backFromReconnecting(c, peer);
            // Either side may have given up on the other meanwhile: say we are in, as on a new session
            // (step 6); one that still counts us ignores the repeat, one that gave up counts us again.
            if (c.media != null && isMember(c.group, peer)) send(peer, myState(c));
        }
    }

    /** Worker: asks every live pair of every call this member is in for its statistics; answers come back here. */
    private void pollStats() {
        for (Call c : calls.values()) {
            if (c.media == null) continue;
            MeshAudio m = c.media;
            m.liveAudio().forEach((peer, audio) -> audio.stats().whenComplete((s, err) -> {
                if (s != null) later(() -> onStats(c, m, peer, s)); // a WebRTC thread: hand off at once
            }));
        }
    }

    /** Worker: publishes a change of the active speaker of each call this member is in. */
    private void checkSpeakers() {
        for (Call c : calls.values()) {
            if (c.media == null) continue;
            PeerId now = c.media.levels().speaker();
            if (java.util.Objects.equals(now, c.speaker)) continue;
            c.speaker = now;
            double level = now == null ? 0 : c.media.levels().level(now);
            publish(new ParleyEvent.GroupCallSpeaker(Ids.app(c.group), new CallId(c.id), now == null ? null : Ids.app(now),
                    now == null ? Double.NEGATIVE_INFINITY : 20 * Math.log10(level)));
        }
    }

    private void onStats(Call c, MeshAudio m, PeerId peer, AudioStatsSample s) {
        if (calls.get(c.group) != c || c.media != m || !m.livePeers().contains(peer)) return; // left or gone meanwhile
        CallStats stats = c.stats.next(new CallId(c.id), peer, s, clock.instant());
        publish(new ParleyEvent.GroupCallParticipantStats(Ids.app(c.group), new CallId(c.id), Ids.app(peer), stats));
    }

    private GroupCallInfo info(Call c) {
        List<dev.parley.client.PeerId> ps = new ArrayList<>();
        if (c.media != null) ps.add(Ids.app(me));
        for (PeerId p : c.in) ps.add(Ids.app(p));
        List<dev.parley.client.PeerId> muted = new ArrayList<>(), reconnecting = new ArrayList<>();
        for (PeerId p : c.in) {
            if (c.muted.contains(p)) muted.add(Ids.app(p));
            if (c.reconnecting.containsKey(p)) reconnecting.add(Ids.app(p));
        }
        return new GroupCallInfo(Ids.app(c.group), new CallId(c.id), Instant.ofEpochMilli(c.startedAtMs), ps,
                c.media != null, c.media != null && c.media.muted(), muted, reconnecting);
    }

    private boolean isMember(GroupId group, PeerId peer) {
        return members.apply(group).map(m -> m.contains(peer)).orElse(false);
    }

    private void send(PeerId peer, PeerMessage m) {
        PeerLink l = links.get(peer);
        if (l != null) l.sendControl(m);
    }

    private void publish(ParleyEvent e) {
        events.publish(e);
    }

    /** Unsigned comparison of the two 64-bit halves, most significant first (docs/protocol.md § Group calls). */
    static int compareUnsigned(UUID a, UUID b) {
        int c = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return c != 0 ? c : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    }

    // ---------------------------------------------------------------- PeerFeature (session threads: hand off)

    @Override
    public void onLinkUp(PeerLink link) {
        links.put(link.peer(), link);
        later(() -> {
            if (links.get(link.peer()) != link) return;
            for (Call c : calls.values()) {
                if (c.media != null && isMember(c.group, link.peer())) link.sendControl(myState(c));
            }
        });
    }

    @Override
    public void onLinkDown(PeerId peer) {
        links.remove(peer);
        later(() -> {
            if (!links.containsKey(peer)) onLinkGone(peer);
        });
    }

    @Override
    public void onLinkInterrupted(PeerId peer, boolean interrupted) {
        later(() -> {
            if (links.containsKey(peer)) onLinkInterruptedLocked(peer, interrupted);
        });
    }

    @Override
    public void onControl(PeerId peer, PeerMessage message) {
        if (message instanceof GroupCallState s) {
            later(() -> onState(peer, s));
        } else if (message instanceof GroupCallRefused r) {
            later(() -> onRefused(peer, r));
        }
    }

    @Override
    public boolean servesNonContacts() {
        return true;
    }

    private void later(Runnable task) {
        try {
            worker.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.warn("group call work failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("group calls closed; dropping work");
        }
    }

    private <T> T call(Callable<T> task) {
        try {
            return worker.submit(task).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("client is closed", e);
        }
    }

    /** Leaves every call (telling the others) and stops the worker. */
    @Override
    public void close() {
        try {
            call(() -> {
                closed = true;
                for (Call c : List.copyOf(calls.values())) if (c.media != null) leaveLocked(c, LEFT, true);
                return null;
            });
        } catch (IllegalStateException e) {
            log.debug("group call close", e);
        }
        ticker.shutdownNow();
        worker.shutdown();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
