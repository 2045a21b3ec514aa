package dev.parley.client.internal.call;

import dev.parley.client.CallId;
import dev.parley.client.ToneAnalysis;
import dev.parley.client.internal.audio.CallAudio;
import dev.parley.client.internal.audio.WavRecorder;
import dev.parley.client.internal.audio.WavSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Speech generated with espeak-ng (22.05 kHz, so resampled on the way in) crosses a call and keeps its
 * shape: the 20 ms RMS energy envelope of what B recorded correlates (Pearson, at the best lag within
 * 1.5 s) with the original's at least {@link #MIN_CORRELATION}. Opus at its default rate typically
 * scores above 0.95 here; a muted, garbled or echo-mixed stream falls well below 0.8.
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
        double[] original = envelope(ToneAnalysis.read(resampled(speech)));

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
            assertThat(atB.awaitFramesWritten(original.length * 2L + 150, Duration.ofSeconds(30))).isTrue();
            a.hangUp(id);
            recB.next(CallEvent.Answered.class, Party.WAIT);
            recB.ended(Party.WAIT);
        }
        double[] received = envelope(ToneAnalysis.read(heard));
        double best = -1;
        int bestLag = 0;
        for (int lag = 0; lag + original.length <= received.length && lag <= 75; lag++) {
            double r = pearson(original, received, lag);
            if (r > best) {
                best = r;
                bestLag = lag;
            }
        }
        System.out.printf("speech envelope correlation %.3f at lag %d ms over %d windows%n", best, bestLag * 20,
                original.length);
        assertThat(best).as("envelope correlation").isGreaterThanOrEqualTo(MIN_CORRELATION);
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

    static double[] envelope(ToneAnalysis t) {
        double[] e = new double[t.windows()];
        for (int w = 0; w < e.length; w++) {
            e[w] = t.rms(w);
        }
        return e;
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
