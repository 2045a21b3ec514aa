package dev.parley.client.internal.call;

import dev.parley.client.ToneAnalysis;

import dev.parley.client.internal.audio.RemoteAudioSink;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A remote-audio sink for tests: per 10 ms frame it measures the level and the share of energy at
 * {@code hz} (Goertzel) and queues the result; the playout thread only computes and offers.
 */
final class LevelProbe implements RemoteAudioSink {
    record Frame(double rms, double purity) { }

    private final double hz;
    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>(100_000);

    LevelProbe(double hz) {
        this.hz = hz;
    }

    @Override
    public void onFrame(byte[] pcm, int sampleRate, int channels, int n) {
        ToneAnalysis.Level l = ToneAnalysis.level(pcm, channels, sampleRate, hz);
        frames.offer(new Frame(l.rms(), l.purity()));
    }

    /** Everything queued so far (consumes it). */
    java.util.List<Frame> drain() {
        java.util.List<Frame> out = new java.util.ArrayList<>();
        frames.drainTo(out);
        return out;
    }

    static boolean isTone(Frame f) {
        return f.rms() > 0.05 && f.purity() > 0.8;
    }

    /** Wait until {@code n} consecutive frames carry the tone. */
    void awaitTone(int n, Duration timeout) throws InterruptedException {
        awaitRun(LevelProbe::isTone, n, timeout, "tone at " + hz + " Hz");
    }

    /** Wait until {@code n} consecutive frames are (near) silent. */
    void awaitSilence(int n, Duration timeout) throws InterruptedException {
        awaitRun(f -> f.rms() < 0.005, n, timeout, "silence");
    }

    private void awaitRun(java.util.function.Predicate<Frame> p, int n, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int run = 0;
        Frame last = null;
        while (run < n) {
            long left = deadline - System.nanoTime();
            Frame f = left <= 0 ? null : frames.poll(left, TimeUnit.NANOSECONDS);
            if (f == null) {
                throw new AssertionError("no " + n + " frames of " + what + " within " + timeout + "; last " + last);
            }
            last = f;
            run = p.test(f) ? run + 1 : 0;
        }
    }
}
