package dev.parley.client.internal.call;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.nio.file.Path;

/**
 * Frequency detection over a 16-bit mono WAV, per 20 ms window, with the Goertzel algorithm.
 * "Purity" is the share of a window's energy at the probe frequency: 1.0 for a clean sine, about
 * 0.5 when an equally loud second tone (an echo) is mixed in.
 */
public final class ToneAnalysis {
    static final int WINDOW_MS = 20;

    final int sampleRate;
    final short[] samples;

    private ToneAnalysis(int sampleRate, short[] samples) {
        this.sampleRate = sampleRate;
        this.samples = samples;
    }

    public static ToneAnalysis read(Path wav) throws Exception {
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
            return new ToneAnalysis((int) f.getSampleRate(), s);
        }
    }

    int windowSamples() {
        return sampleRate * WINDOW_MS / 1000;
    }

    public int windows() {
        return samples.length / windowSamples();
    }

    /** Root mean square of window w, as a fraction of full scale. */
    double rms(int w) {
        int n = windowSamples();
        double sum = 0;
        for (int i = w * n; i < (w + 1) * n; i++) {
            double x = samples[i] / 32768.0;
            sum += x * x;
        }
        return Math.sqrt(sum / n);
    }

    /** Share of window w's energy at {@code hz} (Goertzel; hz should fall on a bin: a multiple of 50 Hz). */
    double purity(int w, double hz) {
        int n = windowSamples();
        double coeff = 2 * Math.cos(2 * Math.PI * hz / sampleRate);
        double s1 = 0, s2 = 0, energy = 0;
        for (int i = w * n; i < (w + 1) * n; i++) {
            double x = samples[i] / 32768.0;
            energy += x * x;
            double s0 = x + coeff * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        double power = s1 * s1 + s2 * s2 - coeff * s1 * s2; // |X(k)|^2
        return energy == 0 ? 0 : 2 * power / (n * energy);
    }

    boolean toneIn(int w, double hz) {
        return rms(w) > 0.05 && purity(w, hz) > 0.9;
    }

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

    /** Fraction and longest gap (ms) of tone windows in [from, from + count). */
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
        // windows missing at the end of the file count as a gap
        longest = Math.max(longest, run + (from + count - end));
        return new Coverage((double) hits / count, longest * WINDOW_MS, count);
    }

    public record Coverage(double fraction, int longestGapMs, int windows) { }
}
