package dev.parley.client.internal.call;

import dev.parley.client.CallId;
import dev.parley.client.CallEndReason;
import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.RTCStatsType;
import dev.parley.client.internal.audio.CallAudio;
import dev.parley.client.internal.audio.ToneSource;
import dev.parley.client.internal.rtc.RtcConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A call through a real coturn relay with ICE policy "relay": no host path is even tried. */
@Tag("native")
class TurnRelayTest {
    @TempDir
    Path dir;

    @Test
    void aCallRelayedThroughCoturnWithRelayOnlyPolicyCarriesAudio() throws Exception {
        try (Coturn turn = new Coturn(dir)) {
            String[] cred = turn.credentials("parley-test");
            RtcConfig relayOnly = RtcConfig.builder()
                    .iceServer(new RtcConfig.IceServer(List.of(turn.url()), cred[0], cred[1]))
                    .iceTransportPolicy(RtcConfig.IceTransportPolicy.RELAY)
                    .build();
            CallRecorder recA = new CallRecorder("A").ignoringStats();
            CallRecorder recB = new CallRecorder("B").ignoringStats();
            try (TwoPeers peers = new TwoPeers(relayOnly);
                 CallEngine a = new CallEngine(recA, CallConfig.defaults(), Clock.systemUTC());
                 CallEngine b = new CallEngine(recB, CallConfig.defaults(), Clock.systemUTC())) {
                peers.partyA.feature = a;
                peers.partyB.feature = b;
                peers.connect();
                LevelProbe atB = new LevelProbe(1000);
                CallId id = a.dial(peers.partyB.id, new CallAudio(new ToneSource(1000, 0.5, null), null))
                        .toCompletableFuture().get(10, TimeUnit.SECONDS);
                recB.next(CallEvent.Ringing.class, Party.WAIT);
                b.accept(id, new CallAudio(null, atB));
                atB.awaitTone(100, Party.WAIT);

                RTCStatsReport report = peers.a.session().stats().toCompletableFuture().get(10, TimeUnit.SECONDS);
                List<Object> localTypes = report.getStats().values().stream()
                        .filter(s -> s.getType() == RTCStatsType.LOCAL_CANDIDATE)
                        .map(s -> s.getAttributes().get("candidateType")).toList();
                assertThat(localTypes).as("local candidates").isNotEmpty().allMatch("relay"::equals);
                RTCStats pair = report.getStats().values().stream()
                        .filter(s -> s.getType() == RTCStatsType.CANDIDATE_PAIR
                                && Boolean.TRUE.equals(s.getAttributes().get("nominated")))
                        .findFirst().orElseThrow();
                RTCStats local = report.getStats().get(String.valueOf(pair.getAttributes().get("localCandidateId")));
                assertThat(local.getAttributes().get("candidateType")).isEqualTo("relay");
                a.hangUp(id);
                recB.next(CallEvent.Answered.class, Party.WAIT);
                assertThat(recB.ended(Party.WAIT).reason()).isEqualTo(CallEndReason.COMPLETED);
            }
        }
    }
}
