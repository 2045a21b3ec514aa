package dev.parley.client.internal.audio;

import lombok.extern.slf4j.Slf4j;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Feeds a {@link PcmSource} into a call, 10 ms per push, in real time: each push is due at
 * {@code start + n × 10 ms} on the monotonic clock (an absolute schedule, so waits never accumulate
 * drift), and if the thread falls more than {@link #MAX_LAG_MS} behind (e.g. the audio gate was held
 * during a renegotiation, or GC) the missed frames are skipped rather than sent in a burst. After the
 * source ends it keeps pushing silence until stopped, so the peer's jitter buffer and our media
 * watchdog see a live stream. Muted: silence is pushed instead of the source (which still advances).
 *
 * <p>Runs on its own daemon thread {@code parley-audio-pump}; stop with {@link #close()}.
 */
@Slf4j
public final class AudioPump implements AutoCloseable {
    public static final long FRAME_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    static final long MAX_LAG_MS = 60;

    /** Where frames go; returns false when the frame was not accepted (no audio active). */
    @FunctionalInterface
    public interface FrameSink {
        boolean push(byte[] pcm, int sampleRate, int channels);
    }

    /** Observes each frame just before it is pushed (bench: click timestamps). Pump thread; must be quick. */
    @FunctionalInterface
    public interface FrameTap {
        void beforePush(byte[] pcm, long frameIndex, long nanoTime);
    }

    private final PcmSource source;
    private final FrameSink sink;
    private final FrameTap tap;
    private final Thread thread;
    private final CompletableFuture<Void> sourceEnded = new CompletableFuture<>();
    private volatile boolean running = true;
    private volatile boolean muted;
    private volatile long pushed;
    private volatile long refused;
    private volatile long skipped;

    public AudioPump(PcmSource source, FrameSink sink, FrameTap tap) {
        this.source = source;
        this.sink = sink;
        this.tap = tap;
        this.thread = new Thread(this::run, "parley-audio-pump");
        thread.setDaemon(true);
        thread.setPriority(Thread.MAX_PRIORITY);
    }

    public AudioPump start() {
        thread.start();
        return this;
    }

    public void setMuted(boolean muted) {
        this.muted = muted;
    }

    public boolean muted() {
        return muted;
    }

    /** Completes when the source has no more audio (silence follows). */
    public CompletionStage<Void> sourceEnded() {
        return sourceEnded;
    }

    public long framesPushed() {
        return pushed;
    }

    public long framesRefused() {
        return refused;
    }

    public long framesSkipped() {
        return skipped;
    }

    private void run() {
        byte[] frame = new byte[source.frameBytes()];
        byte[] silence = new byte[frame.length];
        int rate = source.sampleRate();
        int channels = source.channels();
        long start = System.nanoTime();
        long n = 0;
        boolean ended = false;
        try {
            while (running) {
                long due = start + n * FRAME_NANOS;
                long now;
                while ((now = System.nanoTime()) < due && running) {
                    LockSupport.parkNanos(due - now);
                }
                if (!running) {
                    break;
                }
                long lagFrames = (now - due) / FRAME_NANOS;
                if (lagFrames * 10 > MAX_LAG_MS) {
                    if (!ended && !source.skip(lagFrames)) {
                        ended = true;
                        sourceEnded.complete(null);
                    }
                    n += lagFrames;
                    skipped += lagFrames;
                    continue;
                }
                byte[] out;
                if (ended) {
                    out = silence;
                } else {
                    if (!source.read(frame)) {
                        ended = true;
                        sourceEnded.complete(null);
                    }
                    out = muted ? silence : frame;
                }
                if (tap != null) {
                    tap.beforePush(out, n, System.nanoTime());
                }
                // A fresh array per push: the native side copies, but we never hand out one we reuse.
                if (sink.push(out.clone(), rate, channels)) {
                    pushed++;
                } else {
                    refused++;
                }
                n++;
            }
        } catch (Throwable t) {
            log.warn("audio pump stopped by an error", t);
        } finally {
            sourceEnded.complete(null);
            source.close();
        }
    }

    /** Stop and wait (bounded) for the thread, so nothing pushes afterwards. Idempotent. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        if (thread.isAlive() && Thread.currentThread() != thread) {
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
