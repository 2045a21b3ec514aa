package dev.parley.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The Goertzel tone check on synthetic audio whose answer is known. */
class ToneAnalysisTest {
    static final int RATE = 48_000;

    @TempDir
    Path dir;

    @Test
    void aCleanSineIsPureAtItsFrequencyOnlyAndAnEqualMixIsHalfPure() {
        short[] sine = new short[960];
        short[] mix = new short[960];
        for (int i = 0; i < sine.length; i++) {
            sine[i] = (short) (0.5 * 32767 * Math.sin(2 * Math.PI * 1000 * i / RATE));
            mix[i] = (short) (0.25 * 32767 * (Math.sin(2 * Math.PI * 1000 * i / RATE) + Math.sin(2 * Math.PI * 600 * i / RATE)));
        }
        ToneAnalysis.Level l = ToneAnalysis.level(sine, 0, sine.length, RATE, 1000);
        assertThat(l.rms()).isCloseTo(0.5 / Math.sqrt(2), within(0.001));
        assertThat(l.purity()).isCloseTo(1.0, within(0.001));
        assertThat(ToneAnalysis.level(sine, 0, sine.length, RATE, 600).purity()).isLessThan(0.01);
        assertThat(ToneAnalysis.level(mix, 0, mix.length, RATE, 1000).purity()).isCloseTo(0.5, within(0.01));
        assertThat(ToneAnalysis.Threshold.CLEAN.test(l)).isTrue();
        assertThat(ToneAnalysis.Threshold.CLEAN.test(ToneAnalysis.level(mix, 0, mix.length, RATE, 1000))).isFalse();
    }

    @Test
    void interleavedPcmIsMeasuredOnItsFirstChannel() {
        byte[] pcm = new byte[480 * 2 * 2]; // 10 ms stereo: 1 kHz left, silence right
        for (int i = 0; i < 480; i++) {
            short s = (short) (0.5 * 32767 * Math.sin(2 * Math.PI * 1000 * i / RATE));
            pcm[4 * i] = (byte) s;
            pcm[4 * i + 1] = (byte) (s >> 8);
        }
        assertThat(ToneAnalysis.level(pcm, 2, RATE, 1000).purity()).isCloseTo(1.0, within(0.001));
    }

    @Test
    void coverageCountsToneWindowsAndTheLongestGapBetweenTheFirstAndLastTone() throws Exception {
        // 0.2 s silence, 1 s tone with a 100 ms hole at 0.5 s, 0.3 s silence
        int n = RATE * 3 / 2;
        byte[] pcm = new byte[n * 2];
        for (int i = 0; i < n; i++) {
            double t = (double) i / RATE;
            boolean on = t >= 0.2 && t < 1.2 && !(t >= 0.7 && t < 0.8);
            short s = on ? (short) (0.5 * 32767 * Math.sin(2 * Math.PI * 1000 * i / RATE)) : 0;
            pcm[2 * i] = (byte) s;
            pcm[2 * i + 1] = (byte) (s >> 8);
        }
        Path wav = dir.resolve("t.wav");
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(pcm), new AudioFormat(RATE, 16, 1, true, false), n)) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, wav.toFile());
        }
        ToneAnalysis a = ToneAnalysis.read(wav);
        assertThat(a.windows()).isEqualTo(75);
        assertThat(a.firstToneWindow(1000)).isEqualTo(10);
        assertThat(a.lastToneWindow(1000)).isEqualTo(59);
        ToneAnalysis.Coverage c = a.coverage(1000);
        assertThat(c.windows()).isEqualTo(50);
        assertThat(c.fraction()).isCloseTo(45 / 50.0, within(1e-9));
        assertThat(c.longestGapMs()).isEqualTo(100);
        assertThat(a.gaps(1000, 10, 50)).as("from the start of the file").isEqualTo("700-800 ms, ");
        assertThat(a.coverage(1000, 60, 20).longestGapMs()).as("windows past the end count as a gap").isEqualTo(400);
        assertThat(a.coverage(600).windows()).isZero();
    }

    @Test
    void noHarmonicOrLowOrderProductOfTheParticipantTonesLandsWithinTwoBinsOfAnother() {
        double[] hz = new double[4];
        for (int i = 0; i < 4; i++) hz[i] = ToneAnalysis.participantTone(i);
        java.util.List<Double> products = new java.util.ArrayList<>();
        for (double a : hz) {
            for (int k = 2; k <= 5; k++) products.add(k * a);
            for (double b : hz) {
                if (b == a) continue;
                products.addAll(java.util.List.of(a + b, Math.abs(a - b), Math.abs(2 * a - b), 2 * a + b));
                for (double c : hz) if (c != a && c != b) products.add(Math.abs(a + b - c));
            }
        }
        for (double f : hz) {
            assertThat(f % 50).as("%.0f Hz on a 20 ms bin", f).isZero();
            assertThat(products).as("products near %.0f Hz", f).allSatisfy(p -> assertThat(Math.abs(p - f)).isGreaterThanOrEqualTo(100));
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ToneAnalysis.participantTone(4)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMixOfThreeParticipantsPassesTheThresholdForThreeAndALeaverIsFoundAgainAfterItsGap() throws Exception {
        // 3 s: 500 and 800 Hz throughout; 1200 Hz in 0-1 s and 2-3 s (it left and came back); each at 0.25
        double[] hz = {ToneAnalysis.participantTone(0), ToneAnalysis.participantTone(1), ToneAnalysis.participantTone(2)};
        int n = RATE * 3;
        byte[] pcm = new byte[n * 2];
        for (int i = 0; i < n; i++) {
            double t = (double) i / RATE, v = 0;
            for (int k = 0; k < 3; k++) if (k < 2 || t < 1 || t >= 2) v += 0.25 * Math.sin(2 * Math.PI * hz[k] * t);
            short s = (short) (v * 32767);
            pcm[2 * i] = (byte) s;
            pcm[2 * i + 1] = (byte) (s >> 8);
        }
        Path wav = dir.resolve("mix.wav");
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(pcm), new AudioFormat(RATE, 16, 1, true, false), n)) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, wav.toFile());
        }
        ToneAnalysis a = ToneAnalysis.read(wav, ToneAnalysis.Threshold.inMixOf(3));
        assertThat(a.purity(0, hz[2])).isCloseTo(1 / 3.0, within(0.01));
        assertThat(a.coverage(hz[0], 0, 150).fraction()).isEqualTo(1.0);
        assertThat(a.coverage(hz[2], 0, 50).fraction()).isEqualTo(1.0);
        assertThat(a.coverage(hz[2], 50, 50).fraction()).as("absent while away").isZero();
        assertThat(a.windowsAbove(hz[2], 0.05, 50, 50)).isZero();
        assertThat(a.windowsAbove(hz[2], 0.05, 0, 150)).isEqualTo(100);
        assertThat(a.windowsAbove(ToneAnalysis.participantTone(3), 0.01, 0, 150)).as("a fourth, never played").isZero();
        assertThat(a.firstWindowWithAll(0, hz)).isZero();
        assertThat(a.firstWindowWithAll(60, hz)).isEqualTo(100);
        assertThat(a.firstWindowWithAll(0, hz[0], ToneAnalysis.participantTone(3))).isEqualTo(-1);
        assertThat(a.firstToneWindowAfterGap(hz[2], 50)).isEqualTo(100);
        assertThat(a.firstToneWindowAfterGap(hz[2], 51)).isEqualTo(-1);
        assertThat(a.firstToneWindowAfterGap(hz[0], 1)).isEqualTo(-1);
        assertThat(ToneAnalysis.Threshold.inMixOf(2).minPurity()).as("the two-tone tests' 0.3").isCloseTo(0.3, within(1e-12));
        assertThat(a.perSecond(hz[2])).contains("0s rms").contains("1200Hz 0.33").contains("1200Hz 0.00");

        // A fourth member (1400 Hz, never played) hears the three: from 0 s and again from 2 s, not across 1-2 s.
        double fourth = ToneAnalysis.participantTone(3);
        assertThat(a.othersNotOwn(0, 0, 50, 0.9, fourth, hz)).isEmpty();
        assertThat(a.othersNotOwn(60, 0, 50, 0.9, fourth, hz)).as("from 1.2 s: all three by 2 s").isEmpty();
        assertThat(a.othersNotOwn(0, 40, 50, 0.9, fourth, hz)).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("1200 Hz in 0.20 < 0.90 of the windows from 40");
        assertThat(a.othersNotOwn(0, 0, 50, 0.9, hz[2], hz[0], hz[1])).as("1200 Hz is its own: heard").get()
                .asString().startsWith("its own 1200 Hz in 50 > 1 windows from 0");
        assertThat(a.othersNotOwn(0, 120, 50, 0.9, fourth, hz)).get().asString().startsWith("only 150 windows recorded, 170 needed");
        assertThat(a.othersNotOwn(0, 0, 50, 0.9, hz[0], fourth)).get().asString().startsWith("not all the others were ever heard");
    }
}
