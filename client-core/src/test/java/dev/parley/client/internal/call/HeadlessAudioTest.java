package dev.parley.client.internal.call;

import dev.parley.client.ToneAnalysis;
import dev.parley.client.internal.audio.AudioPump;
import dev.parley.client.internal.audio.ToneSource;
import dev.parley.client.internal.audio.WavRecorder;
import dev.parley.client.internal.audio.AudioStatsSample;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real audio between two in-process peers over the headless path: content is checked (Goertzel),
 * not just "a track arrived".
 */
@Tag("native")
class HeadlessAudioTest {
    static final double A_HZ = 1000;
    static final double B_HZ = 600;

    @TempDir
    Path dir;

    @Test
    void aToneCrossesTheCallIntactBothWaysWithoutEchoAndSurvivesAnIceRestart() throws Exception {
        try (TwoPeers p = new TwoPeers().connect();
             WavRecorder atB = new WavRecorder(dir.resolve("b-hears.wav"));
             WavRecorder atA = new WavRecorder(dir.resolve("a-hears.wav"))) {
            // Both answer "at once": crossing offers are resolved by perfect negotiation (JSEP pairs the addTrack transceivers).
            var startA = p.a.audio0().start(atA).toCompletableFuture();
            var startB = p.b.audio0().start(atB).toCompletableFuture();
            startA.get(20, TimeUnit.SECONDS);
            startB.get(20, TimeUnit.SECONDS);
            try (AudioPump pumpA = new AudioPump(new ToneSource(A_HZ, 0.5, Duration.ofSeconds(10)), p.a.audio0()::push, null);
                 AudioPump pumpB = new AudioPump(new ToneSource(B_HZ, 0.5, null), p.b.audio0()::push, null)) {
                pumpA.start();
                pumpB.start();
                assertThat(atB.awaitFramesWritten(300, Duration.ofSeconds(10))).as("B hears A").isTrue();
                // Mid-call ICE restart (a network blip): audio carries on, the recorder stays off.
                p.a.session().restartIce().toCompletableFuture().get(20, TimeUnit.SECONDS);
                assertThat(atB.awaitFramesWritten(500, Duration.ofSeconds(10))).isTrue();
                // Headless ADMs play but never record: one webrtc_audio_mo thread each (shared notes §2).
                assertThat(audioModuleThreads()).as("ADM threads (playout only)").isEqualTo(2);
                AudioStatsSample stats = p.b.audio0().stats().toCompletableFuture().get(10, TimeUnit.SECONDS);
                assertThat(stats.codec()).isEqualToIgnoringCase("audio/opus");
                assertThat(stats.packetsReceived()).isGreaterThan(0);
                pumpA.sourceEnded().toCompletableFuture().get(20, TimeUnit.SECONDS);
                long written = atB.framesWritten();
                assertThat(atB.awaitFramesWritten(written + 50, Duration.ofSeconds(5))).isTrue();
                assertThat(pumpA.framesRefused()).isZero();
            }
            p.a.audio0().stop();
            p.b.audio0().stop();
        }
        ToneAnalysis b = ToneAnalysis.read(dir.resolve("b-hears.wav"));
        int first = b.firstToneWindow(A_HZ);
        assertThat(first).as("B heard A's tone at all").isGreaterThanOrEqualTo(0);
        // the tone lasted 10 s from A's first push; judge the 9.7 s after B's first tone window
        ToneAnalysis.Coverage c = b.coverage(A_HZ, first, (10_000 - 300) / ToneAnalysis.WINDOW_MS);
        System.out.printf("tone at B: first window %d, coverage %.4f over %d windows, longest gap %d ms%n",
                first, c.fraction(), c.windows(), c.longestGapMs());
        assertThat(c.fraction()).as("share of 20 ms windows with a pure 1 kHz tone").isGreaterThanOrEqualTo(0.95);
        assertThat(c.longestGapMs()).as("longest gap").isLessThanOrEqualTo(100);
        ToneAnalysis a = ToneAnalysis.read(dir.resolve("a-hears.wav"));
        int firstB = a.firstToneWindow(B_HZ);
        assertThat(firstB).isGreaterThanOrEqualTo(0);
        // No echo: A never hears its own 1 kHz coming back.
        for (int w = 0; w < a.windows(); w++) {
            assertThat(a.rms(w) > 0.05 && a.purity(w, A_HZ) > 0.2).as("echo of A's tone at A, window " + w).isFalse();
        }
    }

    /** Threads named webrtc_audio_mo(dule…) in this process: 1 per ADM playing, 2 when also recording. */
    static long audioModuleThreads() throws Exception {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.filter(t -> {
                try {
                    return Files.readString(t.resolve("comm")).trim().startsWith("webrtc_audio_mo");
                } catch (Exception e) {
                    return false;
                }
            }).count();
        }
    }
}
