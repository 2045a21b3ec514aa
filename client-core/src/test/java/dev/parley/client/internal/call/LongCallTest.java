package dev.parley.client.internal.call;

import dev.parley.client.CallId;
import dev.parley.client.CallStats;
import dev.parley.client.CallRecord;
import dev.parley.client.CallEndReason;
import dev.parley.client.internal.audio.CallAudio;
import dev.parley.client.internal.audio.ToneSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One 2-minute call (the suite's longest test, kept single on purpose): tones both ways, an ICE
 * restart half-way, statistics every second. The stream must stay steady, the ADM recorder off, and
 * the process alive.
 */
@Tag("native")
class LongCallTest {
    static final int SECONDS = 120;

    @Test
    void aTwoMinuteCallStaysUpWithSteadyStats() throws Exception {
        CallRecorder recA = new CallRecorder("A"); // its stats, one a second, are what this test reads
        CallRecorder recB = new CallRecorder("B").ignoringStats();
        try (TwoPeers peers = new TwoPeers();
             CallEngine a = new CallEngine(recA, CallConfig.defaults(), Clock.systemUTC());
             CallEngine b = new CallEngine(recB, CallConfig.defaults(), Clock.systemUTC())) {
            peers.partyA.feature = a;
            peers.partyB.feature = b;
            peers.connect();
            LevelProbe atB = new LevelProbe(1000);
            LevelProbe atA = new LevelProbe(600);
            CallId id = a.dial(peers.partyB.id, new CallAudio(new ToneSource(1000, 0.5, null), atA))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            recB.next(CallEvent.Ringing.class, Party.WAIT);
            b.accept(id, new CallAudio(new ToneSource(600, 0.5, null), atB));
            recA.next(CallEvent.Dialing.class, Party.WAIT);
            recA.next(CallEvent.Answered.class, Party.WAIT);
            atB.awaitTone(20, Party.WAIT);

            List<CallStats> stats = new ArrayList<>();
            for (int s = 0; s < SECONDS; s++) {
                stats.add(recA.next(CallEvent.Stats.class, Duration.ofSeconds(5)).stats());
                if (s == SECONDS / 2) {
                    peers.a.session().restartIce().toCompletableFuture().get(20, TimeUnit.SECONDS);
                }
                if (s % 30 == 29) {
                    assertThat(HeadlessAudioTest.audioModuleThreads()).as("ADM threads at " + s + " s").isEqualTo(2);
                }
            }
            a.hangUp(id);
            CallEvent last = recA.next(Party.WAIT);
            while (last instanceof CallEvent.Stats) last = recA.next(Party.WAIT); // stats already on their way
            assertThat(last).isInstanceOf(CallEvent.Ended.class);
            CallRecord rec = ((CallEvent.Ended) last).record();
            assertThat(rec.reason()).isEqualTo(CallEndReason.COMPLETED);
            assertThat(rec.duration()).isGreaterThanOrEqualTo(Duration.ofSeconds(SECONDS));
            recB.next(CallEvent.Answered.class, Party.WAIT);
            assertThat(recB.ended(Party.WAIT).reason()).isEqualTo(CallEndReason.COMPLETED);

            List<CallStats> steady = stats.subList(3, stats.size());
            double tone = fraction(atB.drain());
            double back = fraction(atA.drain());
            long[] jitterMs = steady.stream().mapToLong(s -> s.jitter() == null ? 999 : s.jitter().toMillis()).sorted().toArray();
            long[] rttMs = steady.stream().filter(s -> s.roundTripTime() != null)
                    .mapToLong(s -> s.roundTripTime().toMillis()).sorted().toArray();
            long[] recvKbps = steady.stream().mapToLong(s -> s.recvBitrateBps() / 1000).sorted().toArray();
            double maxLoss = steady.stream().mapToDouble(CallStats::lossFraction).max().orElse(1);
            System.out.printf("2-minute call: tone at B %.4f, at A %.4f; jitter ms median %d max %d; rtt ms median %d max %d;"
                            + " recv kbps min %d median %d max %d; max loss %.4f; last %s%n", tone, back,
                    jitterMs[jitterMs.length / 2], jitterMs[jitterMs.length - 1], rttMs.length == 0 ? -1 : rttMs[rttMs.length / 2],
                    rttMs.length == 0 ? -1 : rttMs[rttMs.length - 1], recvKbps[0], recvKbps[recvKbps.length / 2],
                    recvKbps[recvKbps.length - 1], maxLoss, stats.get(stats.size() - 1));
            for (CallStats s : steady) {
                assertThat(s.codec()).isEqualToIgnoringCase("audio/opus");
                assertThat(s.recvBitrateBps()).as("receive bitrate at " + s.at()).isBetween(10_000L, 200_000L);
                assertThat(s.sendBitrateBps()).as("send bitrate at " + s.at()).isBetween(10_000L, 200_000L);
                assertThat(s.lossFraction()).as("loss at " + s.at()).isLessThan(0.02);
            }
            // Jitter on a shared 2-core machine: the median must be low; single seconds may spike.
            assertThat(jitterMs[jitterMs.length / 2]).as("median jitter ms").isLessThan(20);
            assertThat(jitterMs[jitterMs.length - 1]).as("max jitter ms").isLessThan(100);
            assertThat(rttMs).as("RTT known").isNotEmpty();
            assertThat(rttMs[rttMs.length / 2]).as("median RTT ms").isLessThan(50);
            assertThat(tone).as("share of 10 ms frames with A's tone at B").isGreaterThanOrEqualTo(0.99);
            assertThat(back).as("share of 10 ms frames with B's tone at A").isGreaterThanOrEqualTo(0.99);
        }
    }

    /** From the first tone frame to the last, the share that carries the tone. */
    static double fraction(List<LevelProbe.Frame> frames) {
        int first = -1, last = -1;
        for (int i = 0; i < frames.size(); i++) {
            if (LevelProbe.isTone(frames.get(i))) {
                if (first < 0) {
                    first = i;
                }
                last = i;
            }
        }
        if (first < 0) {
            return 0;
        }
        long hits = frames.subList(first, last + 1).stream().filter(LevelProbe::isTone).count();
        return (double) hits / (last - first + 1);
    }
}
