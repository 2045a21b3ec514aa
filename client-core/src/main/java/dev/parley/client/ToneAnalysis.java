package dev.parley.client;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Finds a test tone in call audio: the one Goertzel tone check that the demo, the tests and the call
 * benchmark use to prove that a call carried what was played into it (a {@link CallMedia#tone} or a
 * sine WAV) rather than just "a track arrived".
 *
 * <p>Per block of 16-bit samples it measures the {@link Level}: the RMS (fraction of full scale) and the
 * <em>purity</em>, the share of the block's energy at the probe frequency (Goertzel): 1.0 for a clean
 * sine, about 0.5 when an equally loud second tone (an echo) is mixed in. The frequency should fall on
 * a bin of the block (for 20 ms blocks: a multiple of 50 Hz). A {@link Threshold} says which levels count
 * as "the tone". Over a WAV recording, {@link #read} cuts 20 ms windows and {@link #coverage} tells how
 * much of a stretch carried the tone and the longest gap.
 *
 * <p>Pure computation, no threads; an instance is immutable.
 */
public final class ToneAnalysis {
    /** Length of a window of a recording. */
    public static final int WINDOW_MS = 20;

    /** Level and purity of one block of audio. */
    public record Level(double rms, double purity) { }

    /** A block carries the tone when it is louder than {@code minRms} and purer than {@code minPurity}. */
    public record Threshold(double minRms, double minPurity) {
        /** A clean tone well above the noise: RMS over 0.05 (-26 dBFS), over 90 % of the energy at the frequency. */
        public static final Threshold CLEAN = new Threshold(0.05, 0.9);

        public boolean test(Level l) {
            return l.rms() > minRms && l.purity() > minPurity;
        }
    }

    /** Over {@code windows} windows: the share that carried the tone, and the longest run without it (ms). */
    public record Coverage(double fraction, int longestGapMs, int windows) { }

    private final int sampleRate;
    private final short[] samples;
    private final Threshold threshold;

    private ToneAnalysis(int sampleRate, short[] samples, Threshold threshold) {
        this.sampleRate = sampleRate;
        this.samples = samples;
        this.threshold = threshold;
    }

    /** Level of {@code count} samples from {@code from} at {@code hz} (Goertzel). */
    public static Level level(short[] samples, int from, int count, int sampleRate, double hz) {
        double coeff = 2 * Math.cos(2 * Math.PI * hz / sampleRate);
        double s1 = 0, s2 = 0, energy = 0;
        for (int i = from; i < from + count; i++) {
            double x = samples[i] / 32768.0;
            energy += x * x;
            double s0 = x + coeff * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        return level(s1, s2, coeff, energy, count);
    }

    /** Level at {@code hz} of a frame of 16-bit little-endian PCM with {@code channels} interleaved (the first is measured). */
    public static Level level(byte[] pcm, int channels, int sampleRate, double hz) {
        int count = pcm.length / 2 / channels;
        double coeff = 2 * Math.cos(2 * Math.PI * hz / sampleRate);
        double s1 = 0, s2 = 0, energy = 0;
        for (int i = 0; i < count; i++) {
            int j = i * channels * 2;
            double x = (short) ((pcm[j] & 0xff) | (pcm[j + 1] << 8)) / 32768.0;
            energy += x * x;
            double s0 = x + coeff * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        return level(s1, s2, coeff, energy, count);
    }

    private static Level level(double s1, double s2, double coeff, double energy, int n) {
        double power = s1 * s1 + s2 * s2 - coeff * s1 * s2; // |X(k)|^2
        return new Level(n == 0 ? 0 : Math.sqrt(energy / n), energy == 0 ? 0 : 2 * power / (n * energy));
    }

    /** A 16-bit little-endian mono WAV, judged with {@link Threshold#CLEAN}. */
    public static ToneAnalysis read(Path wav) throws IOException {
        return read(wav, Threshold.CLEAN);
    }

    /** A 16-bit little-endian mono WAV, judged with {@code threshold}. */
    public static ToneAnalysis read(Path wav, Threshold threshold) throws IOException {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
            AudioFormat f = in.getFormat();
            if (f.getSampleSizeInBits() != 16 || f.getChannels() != 1 || f.isBigEndian()) {
                throw new IllegalArgumentException("expected 16-bit LE mono, got " + f);
            }
            byte[] b = in.readAllBytes();
            short[] s = new short[b.length / 2];
            for (int i = 0; i < s.length; i++) {
                s[i] = (short) ((b[2 * i] & 0xff) | (b[2 * i + 1] << 8));
            }
            return new ToneAnalysis((int) f.getSampleRate(), s, threshold);
        } catch (javax.sound.sampled.UnsupportedAudioFileException e) {
            throw new IOException("not a WAV file: " + wav, e);
        }
    }

    public int sampleRate() {
        return sampleRate;
    }

    public int windowSamples() {
        return sampleRate * WINDOW_MS / 1000;
    }

    public int windows() {
        return samples.length / windowSamples();
    }

    /** Level of window {@code w} at {@code hz}. */
    public Level level(int w, double hz) {
        return level(samples, w * windowSamples(), windowSamples(), sampleRate, hz);
    }

    /** Root mean square of window {@code w}, as a fraction of full scale. */
    public double rms(int w) {
        return level(w, 0).rms();
    }

    /** Share of window {@code w}'s energy at {@code hz}. */
    public double purity(int w, double hz) {
        return level(w, hz).purity();
    }

    public boolean toneIn(int w, double hz) {
        return threshold.test(level(w, hz));
    }

    /** The first window with the tone, or -1. */
    public int firstToneWindow(double hz) {
        for (int w = 0; w < windows(); w++) {
            if (toneIn(w, hz)) {
                return w;
            }
        }
        return -1;
    }

    /** The last window with the tone, or -1. */
    public int lastToneWindow(double hz) {
        for (int w = windows() - 1; w >= 0; w--) {
            if (toneIn(w, hz)) {
                return w;
            }
        }
        return -1;
    }

    /** Fraction and longest gap of tone windows in [from, from + count); windows missing at the end of the file count as a gap. */
    public Coverage coverage(double hz, int from, int count) {
        int hits = 0, run = 0, longest = 0;
        int end = Math.min(windows(), from + count);
        for (int w = from; w < end; w++) {
            if (toneIn(w, hz)) {
                hits++;
                run = 0;
            } else {
                longest = Math.max(longest, ++run);
            }
        }
        longest = Math.max(longest, run + (from + count - end));
        return new Coverage(count == 0 ? 0 : (double) hits / count, longest * WINDOW_MS, count);
    }

    /**
     * Coverage from the first to the last window with the tone (no windows when there is none): a
     * recorder may write silence before the tone arrives and after a hang-up.
     */
    public Coverage coverage(double hz) {
        int first = firstToneWindow(hz);
        return first < 0 ? new Coverage(0, 0, 0) : coverage(hz, first, lastToneWindow(hz) - first + 1);
    }

    /** Runs of windows without the tone in [from, from + count), as {@code start-end ms, } from the start of the file, or {@code none}: for failure messages. */
    public String gaps(double hz, int from, int count) {
        StringBuilder b = new StringBuilder();
        int start = -1;
        for (int w = from; w <= from + count; w++) {
            boolean miss = w < from + count && !toneIn(w, hz);
            if (miss && start < 0) start = w;
            if (!miss && start >= 0) {
                b.append(start * WINDOW_MS).append('-').append(w * WINDOW_MS).append(" ms, ");
                start = -1;
            }
        }
        return b.length() == 0 ? "none" : b.toString();
    }
}
