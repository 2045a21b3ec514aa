package dev.parley.client.internal.audio;

import java.time.Duration;

/** A sine tone at 48 kHz mono, endless or for a fixed duration; for tests, bots and "is my audio working". */
public final class ToneSource implements PcmSource {
    public static final int RATE = 48_000;

    private final double frequencyHz;
    private final double amplitude;
    private final long totalFrames;
    private long framesDone;
    private double phase;

    /**
     * @param amplitude 0..1 of full scale
     * @param duration  how long the tone lasts, or null for endless
     */
    public ToneSource(double frequencyHz, double amplitude, Duration duration) {
        if (frequencyHz <= 0 || frequencyHz >= RATE / 2.0 || amplitude < 0 || amplitude > 1) {
            throw new IllegalArgumentException("bad tone " + frequencyHz + " Hz at " + amplitude);
        }
        this.frequencyHz = frequencyHz;
        this.amplitude = amplitude;
        this.totalFrames = duration == null ? Long.MAX_VALUE : duration.toMillis() / 10;
    }

    @Override
    public int sampleRate() {
        return RATE;
    }

    @Override
    public int channels() {
        return 1;
    }

    @Override
    public boolean read(byte[] frame) {
        if (framesDone >= totalFrames) {
            java.util.Arrays.fill(frame, (byte) 0);
            return false;
        }
        framesDone++;
        double step = 2 * Math.PI * frequencyHz / RATE;
        for (int i = 0; i < frame.length / 2; i++) {
            int v = (int) Math.round(Math.sin(phase) * amplitude * Short.MAX_VALUE);
            frame[2 * i] = (byte) v;
            frame[2 * i + 1] = (byte) (v >> 8);
            phase += step;
            if (phase > 2 * Math.PI) {
                phase -= 2 * Math.PI;
            }
        }
        return true;
    }

    @Override
    public boolean skip(long frames) {
        long n = Math.min(frames, totalFrames - framesDone);
        framesDone += n;
        phase = (phase + n * (RATE / 100) * 2 * Math.PI * frequencyHz / RATE) % (2 * Math.PI);
        return framesDone < totalFrames;
    }
}
