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
}
