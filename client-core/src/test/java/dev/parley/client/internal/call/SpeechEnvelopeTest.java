package dev.parley.client.internal.call;

import dev.parley.client.CallId;
import dev.parley.client.ToneAnalysis;
import dev.parley.client.internal.audio.CallAudio;
import dev.parley.client.internal.audio.WavRecorder;
import dev.parley.client.internal.audio.WavSource;
import org.junit.jupiter.api.Tag;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Speech generated with espeak-ng (22.05 kHz, so resampled on the way in) crosses a call and keeps its
 * shape: the 40 ms RMS energy envelope of what B recorded correlates (Pearson, each 1.6 s segment at
 * its best lag within 1.5 s, mean over segments) with the original's at least {@link #MIN_CORRELATION}.
 * Opus at its default rate scores 0.97-0.98 here; a muted, garbled or echo-mixed stream falls well below 0.8.
 */
@Tag("native")
class SpeechEnvelopeTest {
    static final double MIN_CORRELATION = 0.85;
    static final String TEXT = "Parley calls carry spoken words. One, two, three, four, five. The quick brown fox.";

    @TempDir
    Path dir;

    @Test
    void spokenWordsCrossTheCallWithARecognisableEnvelope() throws Exception {
        Path speech = dir.resolve("speech.wav");
        Process p = new ProcessBuilder("espeak-ng", "-w", speech.toString(), TEXT).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("espeak-ng (Debian package espeak-ng)").isZero();
        short[] originalPcm = pcm(resampled(speech));
        double[] original = envelope(originalPcm, 0, originalPcm.length / WINDOW);

        CallRecorder recA = new CallRecorder("A").ignoringStats();
        CallRecorder recB = new CallRecorder("B").ignoringStats();
        Path heard = dir.resolve("b-hears.wav");
        try (TwoPeers peers = new TwoPeers();
             CallEngine a = new CallEngine(recA, CallConfig.defaults(), Clock.systemUTC());
             CallEngine b = new CallEngine(recB, CallConfig.defaults(), Clock.systemUTC());
             WavRecorder atB = new WavRecorder(heard)) {
            peers.partyA.feature = a;
            peers.partyB.feature = b;
            peers.connect();
            CallId id = a.dial(peers.partyB.id, new CallAudio(new WavSource(speech), null))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            recB.next(CallEvent.Ringing.class, Party.WAIT);
            b.accept(id, new CallAudio(null, atB));
            recA.next(CallEvent.Dialing.class, Party.WAIT);
            recA.next(CallEvent.Answered.class, Party.WAIT);
            // the speech plus 1.5 s of set-up and tail, in 10 ms frames
            assertThat(atB.awaitFramesWritten(originalPcm.length / 480L + 150, Duration.ofSeconds(30))).isTrue();
            a.hangUp(id);
            recB.next(CallEvent.Answered.class, Party.WAIT);
            recB.ended(Party.WAIT);
        }
        // Each 1.6 s segment is aligned on its own, at sample level (2 ms steps over 1.5 s): the receiver's
        // jitter buffer time-stretches (headless playout runs ~0.3 % slow and NetEq catches up), so one lag
        // for the whole 6.5 s drifts by tens of ms and costs correlation that is there (halves measured
        // 0.94-0.98 where one global lag gave 0.72-0.92). The mean of the segments must reach the bar.
        short[] heardPcm = pcm(heard);
        List<Double> segments = new ArrayList<>();
        for (int seg = 0; seg + SEGMENT <= original.length; seg += SEGMENT) {
            double[] part = Arrays.copyOfRange(original, seg, seg + SEGMENT);
            int start = seg * WINDOW;
            double best = -1;
            for (int offset = 0; offset <= 72_000 && start + offset + SEGMENT * WINDOW <= heardPcm.length; offset += 96) {
                best = Math.max(best, pearson(part, envelope(heardPcm, start + offset, SEGMENT), 0));
            }
            segments.add(best);
        }
        double mean = segments.stream().mapToDouble(Double::doubleValue).average().orElse(-1);
        System.out.printf("speech envelope correlation %.3f (mean of %d segments: %s)%n", mean, segments.size(),
                segments.stream().map(d -> String.format("%.3f", d)).toList());
        assertThat(segments).as("whole segments of speech").hasSizeGreaterThanOrEqualTo(3);
        assertThat(mean).as("envelope correlation").isGreaterThanOrEqualTo(MIN_CORRELATION);
    }

    /** espeak-ng's 22.05 kHz file as 48 kHz 16-bit mono through the same converter the call uses. */
    private Path resampled(Path speech) throws Exception {
        Path out = dir.resolve("speech48k.wav");
        try (WavSource src = new WavSource(speech); WavRecorder w = new WavRecorder(out)) {
            byte[] frame = new byte[src.frameBytes()];
            while (src.read(frame)) {
                w.onFrame(frame.clone(), 48_000, 1, 480);
            }
        }
        return out;
    }

    /** 40 ms at 48 kHz: syllables (~200 ms) stay resolved, codec noise within a window averages out. */
    static final int WINDOW = 1920;
    /** Windows per separately aligned segment (1.6 s). */
    static final int SEGMENT = 40;

    /** RMS of {@code n} consecutive 40 ms windows starting at sample {@code offset}, as a fraction of full scale. */
    static double[] envelope(short[] pcm, int offset, int n) {
        double[] e = new double[n];
        for (int w = 0; w < n; w++) {
            double sum = 0;
            int from = offset + w * WINDOW;
            for (int i = from; i < from + WINDOW; i++) {
                double v = pcm[i] / 32768.0;
                sum += v * v;
            }
            e[w] = Math.sqrt(sum / WINDOW);
        }
        return e;
    }

    /** The samples of a 16-bit mono 48 kHz WAV. */
    static short[] pcm(Path wav) throws Exception {
        try (javax.sound.sampled.AudioInputStream in = javax.sound.sampled.AudioSystem.getAudioInputStream(wav.toFile())) {
            assertThat(in.getFormat().getSampleRate()).isEqualTo(48_000f);
            byte[] b = in.readAllBytes();
            short[] s = new short[b.length / 2];
            for (int i = 0; i < s.length; i++) s[i] = (short) ((b[2 * i] & 0xff) | (b[2 * i + 1] << 8));
            return s;
        }
    }

    static double pearson(double[] x, double[] y, int lag) {
        int n = x.length;
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i + lag];
        }
        mx /= n;
        my /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++) {
            double dx = x[i] - mx, dy = y[i + lag] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        return sxx == 0 || syy == 0 ? 0 : sxy / Math.sqrt(sxx * syy);
    }
}
