package dev.parley.client.internal.call;

import dev.parley.client.internal.Ids;
import dev.parley.client.internal.time.ManualScheduler;
import dev.parley.client.CallId;
import dev.parley.client.CallStats;
import dev.parley.client.CallRecord;
import dev.parley.client.CallEndReason;
import dev.parley.client.Direction;
import dev.parley.client.internal.audio.CallAudio;
import dev.parley.client.internal.audio.PcmSource;
import dev.parley.client.internal.audio.ToneSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The call lifecycle between real peers: every end state, seen from both sides. */
@Tag("native")
class CallEngineTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final CallConfig FAST = CallConfig.defaults().withStatsInterval(Duration.ofMillis(500));

    private TwoPeers peers;
    private CallEngine engineA;
    private CallEngine engineB;
    private final CallRecorder recA = new CallRecorder("A").ignoringStats();
    private final CallRecorder recB = new CallRecorder("B").ignoringStats();

    private void start(CallConfig config) throws Exception {
        start(config, null);
    }

    /** {@code callerTime} non-null: A's clock and timers are that scheduler's. */
    private void start(CallConfig config, ManualScheduler callerTime) throws Exception {
        peers = new TwoPeers();
        engineA = callerTime == null ? new CallEngine(recA, config, Clock.systemUTC())
                : new CallEngine(recA, config, callerTime.clock(), callerTime);
        engineB = new CallEngine(recB, config, Clock.systemUTC());
        peers.partyA.feature = engineA;
        peers.partyB.feature = engineB;
        peers.connect();
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (engineA != null) {
                engineA.close();
                engineB.close();
            }
        } finally {
            if (peers != null) {
                peers.close();
            }
        }
    }

    private static CallAudio tone(double hz, LevelProbe probe) {
        return new CallAudio(new ToneSource(hz, 0.5, null), probe);
    }

    /** A dials B; B sees who rings; returns the call id once B rings. */
    private CallId dialAndRing(CallAudio audio) throws Exception {
        CallId id = engineA.dial(peers.partyB.id, audio).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(recA.next(CallEvent.Dialing.class, WAIT).peer()).isEqualTo(peers.partyB.id);
        CallEvent.Ringing ringing = recB.next(CallEvent.Ringing.class, WAIT);
        assertThat(ringing.callId()).isEqualTo(id);
        assertThat(ringing.peer()).as("who is calling: the verified session peer").isEqualTo(peers.partyA.id);
        return id;
    }

    @Test
    void answeredCallCarriesAudioBothWaysMutesAndTheCallerHangsUp() throws Exception {
        start(FAST);
        LevelProbe atA = new LevelProbe(600);
        LevelProbe atB = new LevelProbe(1000);
        CallId id = dialAndRing(tone(1000, atA));
        engineB.accept(id, tone(600, atB));
        recA.next(CallEvent.Answered.class, WAIT);
        recB.next(CallEvent.Answered.class, WAIT);
        atB.awaitTone(50, WAIT);
        atA.awaitTone(50, WAIT);

        engineA.setMuted(id, true);
        assertThat(recA.next(CallEvent.MuteChanged.class, WAIT).muted()).isTrue();
        atB.awaitSilence(30, WAIT);
        engineA.setMuted(id, false);
        assertThat(recA.next(CallEvent.MuteChanged.class, WAIT).muted()).isFalse();
        atB.awaitTone(30, WAIT);

        CallStats stats = recA.statsWithAudio.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(stats.codec()).isEqualToIgnoringCase("audio/opus");
        assertThat(stats.roundTripTime()).isNotNull();
        assertThat(stats.jitter()).isNotNull();
        assertThat(stats.lossFraction()).isBetween(0.0, 0.05);
        assertThat(engineA.latestStats()).isPresent();

        engineA.hangUp(id);
        CallRecord a = recA.ended(WAIT);
        CallRecord b = recB.ended(WAIT);
        assertThat(a.reason()).isEqualTo(CallEndReason.COMPLETED);
        assertThat(b.reason()).isEqualTo(CallEndReason.COMPLETED);
        assertThat(a.endedLocally()).isTrue();
        assertThat(b.endedLocally()).isFalse();
        assertThat(a.direction()).isEqualTo(Direction.OUTGOING);
        assertThat(b.direction()).isEqualTo(Direction.INCOMING);
        assertThat(a.duration()).isPositive();
        assertThat(b.duration()).isPositive();
        assertThat(b.missed()).isFalse();
        recA.assertExhausted();
        recB.assertExhausted();
    }

    @Test
    void theCalleeHangsUpAndASecondCallOnTheSameSessionCarriesAudioAgain() throws Exception {
        start(FAST);
        CallId first = dialAndRing(CallAudio.devices());
        engineB.accept(first, CallAudio.devices());
        recA.next(CallEvent.Answered.class, WAIT);
        recB.next(CallEvent.Answered.class, WAIT);
        engineB.hangUp(first);
        CallRecord b = recB.ended(WAIT);
        CallRecord a = recA.ended(WAIT);
        assertThat(b.reason()).isEqualTo(CallEndReason.COMPLETED);
        assertThat(a.reason()).isEqualTo(CallEndReason.COMPLETED);
        assertThat(b.endedLocally()).isTrue();
        assertThat(a.endedLocally()).isFalse();

        // Second call on the same session: the track is attached again, no renegotiation (docs/calls.md).
        LevelProbe atB = new LevelProbe(1000);
        CallId second = dialAndRing(tone(1000, null));
        engineB.accept(second, new CallAudio(null, atB));
        recA.next(CallEvent.Answered.class, WAIT);
        recB.next(CallEvent.Answered.class, WAIT);
        atB.awaitTone(100, WAIT);
        assertThat(HeadlessAudioTest.audioModuleThreads()).as("ADM threads (playout only)").isEqualTo(2);
        engineB.hangUp(second);
        assertThat(recA.ended(WAIT).reason()).isEqualTo(CallEndReason.COMPLETED);
        assertThat(recB.ended(WAIT).reason()).isEqualTo(CallEndReason.COMPLETED);
        recA.assertExhausted();
        recB.assertExhausted();
    }

    @Test
    void aDeclinedCallEndsDeclinedOnBothSides() throws Exception {
        start(FAST);
        CallId id = dialAndRing(CallAudio.devices());
        engineB.decline(id);
        CallRecord a = recA.ended(WAIT);
        CallRecord b = recB.ended(WAIT);
        assertThat(a.reason()).isEqualTo(CallEndReason.DECLINED);
        assertThat(b.reason()).isEqualTo(CallEndReason.DECLINED);
        assertThat(a.endedLocally()).isFalse();
        assertThat(b.endedLocally()).isTrue();
        assertThat(a.answeredAt()).isNull();
        assertThat(b.missed()).isFalse();
        recA.assertExhausted();
        recB.assertExhausted();
    }

    @Test
    void calleeAlreadyInACallAnswersBusyAndTheRunningCallIsUntouched() throws Exception {
        start(FAST);
        CallId ab = dialAndRing(CallAudio.devices());
        engineB.accept(ab, CallAudio.devices());
        recA.next(CallEvent.Answered.class, WAIT);
        recB.next(CallEvent.Answered.class, WAIT);
        CallRecorder recC = new CallRecorder("C").ignoringStats();
        try (Party c = new Party('c', dev.parley.client.internal.rtc.RtcConfig.defaults());
             CallEngine engineC = new CallEngine(recC, FAST, Clock.systemUTC())) {
            c.feature = engineC;
            Party.connect(c, peers.partyB);
            CallId cb = engineC.dial(peers.partyB.id, CallAudio.devices()).toCompletableFuture().get(10, TimeUnit.SECONDS);
            recC.next(CallEvent.Dialing.class, WAIT);
            CallRecord atC = recC.ended(WAIT);
            assertThat(atC.reason()).isEqualTo(CallEndReason.BUSY);
            assertThat(atC.endedLocally()).isFalse();
            CallRecord atB = recB.expectNext(CallEvent.Ended.class, "e.callId().equals(cb)", e -> e.callId().equals(cb), WAIT).record();
            assertThat(atB.reason()).isEqualTo(CallEndReason.BUSY);
            assertThat(atB.peer()).isEqualTo(Ids.app(c.id));
            assertThat(atB.missed()).isTrue();
            recC.assertExhausted();
        }
        engineA.hangUp(ab);
        assertThat(recA.ended(WAIT).reason()).as("A-B call was still up").isEqualTo(CallEndReason.COMPLETED);
        assertThat(recB.expectNext(CallEvent.Ended.class, "e.callId().equals(ab)", e -> e.callId().equals(ab), WAIT).record().reason())
                .isEqualTo(CallEndReason.COMPLETED);
    }

    @Test
    void anUnansweredCallRingsOutAsNoAnswerAndIsMissedAtTheCallee() throws Exception {
        // The caller's time is a ManualScheduler: the ring-out happens exactly at the ring timeout.
        ManualScheduler time = new ManualScheduler();
        Duration ring = Duration.ofSeconds(45);
        start(FAST.withRingTimeout(ring), time);
        dialAndRing(CallAudio.devices());
        assertThat(time.pendingCount()).as("the caller's ring timer").isEqualTo(1);
        time.advance(ring.minusMillis(1));
        assertThat(time.pendingCount()).as("not due a millisecond early").isEqualTo(1);
        time.advance(Duration.ofMillis(1));
        CallRecord a = recA.ended(WAIT);
        CallRecord b = recB.ended(WAIT);
        assertThat(a.reason()).isEqualTo(CallEndReason.NO_ANSWER);
        assertThat(b.reason()).isEqualTo(CallEndReason.NO_ANSWER);
        assertThat(a.endedLocally()).isTrue();
        assertThat(b.endedLocally()).isFalse();
        assertThat(b.missed()).isTrue();
        assertThat(Duration.between(a.startedAt(), a.endedAt())).isEqualTo(ring);
        recA.assertExhausted();
        recB.assertExhausted();
    }

    @Test
    void theCallerCancelsBeforeAnswerAndTheCalleeHasAMissedCall() throws Exception {
        start(FAST);
        CallId id = dialAndRing(CallAudio.devices());
        engineA.hangUp(id);
        CallRecord a = recA.ended(WAIT);
        CallRecord b = recB.ended(WAIT);
        assertThat(a.reason()).isEqualTo(CallEndReason.CANCELLED);
        assertThat(b.reason()).isEqualTo(CallEndReason.CANCELLED);
        assertThat(a.endedLocally()).isTrue();
        assertThat(b.endedLocally()).isFalse();
        assertThat(b.missed()).isTrue();
        recA.assertExhausted();
        recB.assertExhausted();
    }

    @Test
    void aPeerWhoseAudioStopsIsHungUpWithinTheMediaTimeout() throws Exception {
        start(FAST.withMediaTimeout(Duration.ofSeconds(2)));
        CountDownLatch thaw = new CountDownLatch(1);
        try {
            CallId id = dialAndRing(CallAudio.devices());
            // B's "microphone" hangs after 1 s, like a frozen process: no more packets reach A.
            engineB.accept(id, new CallAudio(new FreezingSource(100, thaw), null));
            recA.next(CallEvent.Answered.class, WAIT);
            recB.next(CallEvent.Answered.class, WAIT);
            CallRecord a = recA.ended(WAIT);
            CallRecord b = recB.ended(WAIT);
            assertThat(a.reason()).isEqualTo(CallEndReason.CONNECTION_LOST);
            assertThat(a.endedLocally()).isTrue();
            assertThat(b.reason()).isEqualTo(CallEndReason.CONNECTION_LOST);
            assertThat(a.duration()).isLessThan(Duration.ofSeconds(10));
        } finally {
            thaw.countDown();
        }
    }

    @Test
    void theCallEndsOnBothSidesWhenThePeerSessionGoesAway() throws Exception {
        start(FAST);
        CallId id = dialAndRing(CallAudio.devices());
        engineB.accept(id, CallAudio.devices());
        recA.next(CallEvent.Answered.class, WAIT);
        recB.next(CallEvent.Answered.class, WAIT);
        peers.b.session().close(); // B's app drops the session (e.g. quits)
        CallRecord a = recA.ended(WAIT);
        CallRecord b = recB.ended(WAIT);
        assertThat(a.reason()).isEqualTo(CallEndReason.CONNECTION_LOST);
        assertThat(b.reason()).isEqualTo(CallEndReason.CONNECTION_LOST);
        recA.assertExhausted();
        recB.assertExhausted();
    }

    @Test
    void bothDiallingAtOnceEndsInOneAnsweredCall() throws Exception {
        start(FAST);
        var fa = engineA.dial(peers.partyB.id, CallAudio.devices()).toCompletableFuture();
        var fb = engineB.dial(peers.partyA.id, CallAudio.devices()).toCompletableFuture();
        CallId ida = fa.get(10, TimeUnit.SECONDS);
        CallId idb = fb.get(10, TimeUnit.SECONDS);
        CallId survivor = ida.compareTo(idb) < 0 ? ida : idb;
        CallRecorder loser = survivor.equals(ida) ? recB : recA;
        for (CallRecorder r : java.util.List.of(recA, recB)) {
            r.next(CallEvent.Dialing.class, WAIT);
            // Up to the answer, in an order the race decides: only ringing and (for the loser) one Superseded.
            java.util.List<CallEvent> before = new java.util.ArrayList<>();
            CallEvent e = r.next(WAIT);
            while (!(e instanceof CallEvent.Answered)) {
                before.add(e);
                e = r.next(WAIT);
            }
            assertThat(((CallEvent.Answered) e).callId()).isEqualTo(survivor);
            assertThat(before).as(r.name() + " before the answer").allMatch(x -> x instanceof CallEvent.Ringing || x instanceof CallEvent.Superseded);
            assertThat(before.stream().filter(x -> x instanceof CallEvent.Superseded).map(x -> ((CallEvent.Superseded) x).survivor()).toList())
                    .as(r.name() + " superseded").isEqualTo(r == loser ? java.util.List.of(survivor) : java.util.List.of());
        }
        engineA.hangUp(survivor);
        assertThat(recA.ended(WAIT).callId()).isEqualTo(survivor);
        assertThat(recB.ended(WAIT).callId()).isEqualTo(survivor);
        recA.assertExhausted();
        recB.assertExhausted();
    }

    /** Plays silence, then blocks forever in read() after {@code frames} frames (until thawed). */
    private record FreezingSource(int frames, CountDownLatch thaw, int[] done) implements PcmSource {
        FreezingSource(int frames, CountDownLatch thaw) {
            this(frames, thaw, new int[1]);
        }

        @Override
        public int sampleRate() {
            return 48_000;
        }

        @Override
        public int channels() {
            return 1;
        }

        @Override
        public boolean read(byte[] frame) {
            if (done[0]++ >= frames) {
                try {
                    thaw.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return true;
        }
    }
}
