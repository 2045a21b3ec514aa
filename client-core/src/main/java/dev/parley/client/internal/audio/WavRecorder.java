package dev.parley.client.internal.audio;

import lombok.extern.slf4j.Slf4j;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Writes the peer's audio to a 16-bit PCM WAV file. {@link #onFrame} runs on WebRTC's playout
 * thread and only offers the frame to a bounded queue (never blocking it; a full queue drops and
 * counts); the thread {@code parley-audio-wav} writes. The format is taken from the first frame
 * (48 kHz mono in practice); frames of another format are dropped and counted.
 */
@Slf4j
public final class WavRecorder implements RemoteAudioSink, AutoCloseable {
    private static final byte[] END = new byte[0];

    private final Path path;
    private final RandomAccessFile file;
    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(1_000); // 10 s of 10 ms frames
    private final Thread writer;
    private volatile int sampleRate;
    private volatile int channels;
    private volatile long framesReceived;
    private volatile long framesDropped;
    private volatile long bytesWritten;
    private volatile IOException failure;
    private long framesWritten;
    private boolean closed;

    public WavRecorder(Path path) throws IOException {
        this.path = path;
        this.file = new RandomAccessFile(path.toFile(), "rw");
        file.setLength(0);
        file.write(new byte[44]); // header patched on close
        writer = new Thread(this::drain, "parley-audio-wav");
        writer.setDaemon(true);
        writer.start();
    }

    public Path path() {
        return path;
    }

    @Override
    public void onFrame(byte[] pcm, int sampleRate, int channels, int frames) {
        if (this.sampleRate == 0) {
            this.channels = channels;
            this.sampleRate = sampleRate;
        }
        framesReceived++;
        if (sampleRate != this.sampleRate || channels != this.channels || !queue.offer(pcm)) {
            framesDropped++;
        }
    }

    public long framesReceived() {
        return framesReceived;
    }

    public long framesDropped() {
        return framesDropped;
    }

    /** Wait (bounded) until {@code n} frames in total have been written; false on timeout. */
    public synchronized boolean awaitFramesWritten(long n, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (framesWritten < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    public synchronized long framesWritten() {
        return framesWritten;
    }

    private void drain() {
        try {
            while (true) {
                byte[] b = queue.take();
                if (b == END) {
                    return;
                }
                file.write(b);
                synchronized (this) { // the writer thread, never the playout thread, takes this monitor
                    bytesWritten += b.length;
                    framesWritten++;
                    notifyAll();
                }
            }
        } catch (IOException e) {
            failure = e;
            log.warn("writing {} failed", path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Flush what is queued, write the header, close the file. Idempotent. */
    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            if (!queue.offer(END, 2, TimeUnit.SECONDS)) {
                writer.interrupt();
            }
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int rate = sampleRate == 0 ? 48_000 : sampleRate;
        int ch = channels == 0 ? 1 : channels;
        long data = bytesWritten;
        ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        h.put("RIFF".getBytes()).putInt((int) (36 + data)).put("WAVE".getBytes())
                .put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) ch)
                .putInt(rate).putInt(rate * ch * 2).putShort((short) (ch * 2)).putShort((short) 16)
                .put("data".getBytes()).putInt((int) data);
        try (file) {
            file.seek(0);
            file.write(h.array());
        }
        if (failure != null) {
            throw failure;
        }
    }
}
