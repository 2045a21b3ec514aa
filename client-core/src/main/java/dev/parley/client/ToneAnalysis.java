package dev.parley.client;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.DoubleStream;

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

    /**
     * Tones that tell up to four call participants apart in one mix: each on a 20 ms window's bin (a
     * multiple of 50 Hz), and no harmonic (2 to 5 times) of one, nor a sum, difference or third-order
     * product ({@code 2a ± b}, {@code a + b - c}) of any of them lands within 100 Hz (two bins) of another,
     * so distortion of the others is never counted as a participant's own tone. (600, 900 and 1200 Hz
     * would not do: 1200 is 600's second harmonic, and {@code 2 × 900 - 600}.)
     */
    private static final double[] PARTICIPANT_TONES_HZ = {500, 800, 1200, 1400};

    /** Level and purity of one block of audio. */
    public record Level(double rms, double purity) { }

    /** A block carries the tone when it is louder than {@code minRms} and purer than {@code minPurity}. */
    public record Threshold(double minRms, double minPurity) {
        /** A clean tone well above the noise: RMS over 0.05 (-26 dBFS), over 90 % of the energy at the frequency. */
        public static final Threshold CLEAN = new Threshold(0.05, 0.9);

        /**
         * One of {@code tones} equally loud tones in a mix (what a member of a group call hears): each
         * carries about {@code 1/tones} of the energy, so it counts above 0.6 of that share (0.3 of two,
         * 0.2 of three); a tone that is absent has next to none.
         */
        public static Threshold inMixOf(int tones) {
            if (tones < 1) throw new IllegalArgumentException("at least one tone, was " + tones);
            return new Threshold(0.05, 0.6 / tones);
        }

        public boolean test(Level l) {
            return l.rms() > minRms && l.purity() > minPurity;
        }
    }

    /** Participant {@code i}'s tone (0 to 3): see {@link #PARTICIPANT_TONES_HZ} for why these. */
    public static double participantTone(int i) {
        if (i < 0 || i >= PARTICIPANT_TONES_HZ.length) {
            throw new IllegalArgumentException("participant tones are for 0.." + (PARTICIPANT_TONES_HZ.length - 1) + ", was " + i);
        }
        return PARTICIPANT_TONES_HZ[i];
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
        return firstToneWindow(hz, 0);
    }

    /** The first window at or after {@code from} with the tone, or -1. */
    public int firstToneWindow(double hz, int from) {
        for (int w = Math.max(0, from); w < windows(); w++) {
            if (toneIn(w, hz)) {
                return w;
            }
        }
        return -1;
    }

    /**
     * The first window at or after {@code from} by which every tone has been heard (the latest of their
     * first windows), or -1 if one of them never is: where a mix of all of them can begin.
     */
    public int firstWindowWithAll(int from, double... hz) {
        int last = -1;
        for (double f : hz) {
            int w = firstToneWindow(f, from);
            if (w < 0) {
                return -1;
            }
            last = Math.max(last, w);
        }
        return last;
    }

    /**
     * The first window with the tone after a run of at least {@code gapWindows} windows without it that
     * follows its first window, or -1: where a participant who left and came back is heard again.
     */
    public int firstToneWindowAfterGap(double hz, int gapWindows) {
        int w = firstToneWindow(hz);
        int run = 0;
        for (w = w < 0 ? windows() : w; w < windows(); w++) {
            if (!toneIn(w, hz)) {
                run++;
            } else if (run >= gapWindows) {
                return w;
            } else {
                run = 0;
            }
        }
        return -1;
    }

    /**
     * How many windows in [from, from + count) have more than {@code maxPurity} of their energy at
     * {@code hz}, however quiet: a participant's own tone leaking back into what it hears.
     */
    public int windowsAbove(double hz, double maxPurity, int from, int count) {
        int n = 0;
        for (int w = Math.max(0, from); w < Math.min(windows(), from + count); w++) {
            if (purity(w, hz) > maxPurity) {
                n++;
            }
        }
        return n;
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

    /**
     * What one member of a call with a tone per member should hear: over {@code count} windows starting
     * {@code settle} windows after the first window at or after {@code from} by which all the others are heard,
     * each other tone in at least {@code minCoverage} of them and its own tone (more than 5 % of a window's
     * energy) in at most 2 %. Empty when that holds, else what did not (with {@link #perSecond} of all tones).
     */
    public Optional<String> othersNotOwn(int from, int settle, int count, double minCoverage, double own, double... others) {
        double[] all = DoubleStream.concat(DoubleStream.of(own), Arrays.stream(others)).toArray();
        int heardAll = firstWindowWithAll(from, others);
        if (heardAll < 0) {
            return Optional.of("not all the others were ever heard after window " + from + ": " + perSecond(all));
        }
        int first = heardAll + settle;
        if (first + count > windows()) {
            return Optional.of("only " + windows() + " windows recorded, " + (first + count) + " needed: " + perSecond(all));
        }
        for (double hz : others) {
            Coverage c = coverage(hz, first, count);
            if (c.fraction() < minCoverage) {
                return Optional.of(String.format("%.0f Hz in %.2f < %.2f of the windows from %d: %s%s", hz, c.fraction(), minCoverage,
                        first, c, perSecond(all)));
            }
        }
        int leaks = windowsAbove(own, 0.05, first, count);
        if (leaks > count / 50) {
            return Optional.of(String.format("its own %.0f Hz in %d > %d windows from %d: %s", own, leaks, count / 50, first, perSecond(all)));
        }
        return Optional.empty();
    }

    /** Per second of the recording: the mean RMS and the mean share of energy at each tone (for failure messages). */
    public String perSecond(double... hz) {
        StringBuilder b = new StringBuilder();
        int per = 1_000 / WINDOW_MS;
        for (int s = 0; s * per < windows(); s++) {
            double rms = 0;
            double[] p = new double[hz.length];
            int n = 0;
            for (int w = s * per; w < Math.min(windows(), (s + 1) * per); w++, n++) {
                rms += rms(w);
                for (int i = 0; i < hz.length; i++) {
                    p[i] += purity(w, hz[i]);
                }
            }
            b.append(String.format("%n  %ds rms %.3f", s, rms / n));
            for (int i = 0; i < hz.length; i++) {
                b.append(String.format(" %.0fHz %.2f", hz[i], p[i] / n));
            }
        }
        return b.toString();
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
