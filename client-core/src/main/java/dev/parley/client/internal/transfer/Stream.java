package dev.parley.client.internal.transfer;

import dev.parley.client.TransferId;
import dev.parley.client.internal.session.PeerLink;
import lombok.extern.slf4j.Slf4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * One run of a {@link Sender}'s send loop on a {@code parley-transfer-send} thread: reads the source
 * and sends frames on one link while the channel's buffer and the receiver's window have room.
 *
 * <p>Confinement: the file position and the open file belong to the send thread. The only inputs
 * from the control thread are the three mailbox fields ({@link #stop}, {@link #ack}, {@link #restart}),
 * each an atomic; the only output is the one {@link Ended} call when the run ends, which hands off to
 * the control thread. A stopped or ended stream is never reused: the sender starts a new one.
 */
@Slf4j
final class Stream implements Runnable {
    private static final long PARK_NANOS = 100_000;

    /** How a run ended, for the sender (on the send thread; must hand off). */
    @FunctionalInterface
    interface Ended {
        void ended(Stream stream, End end);
    }

    enum End {
        /** Everything up to the size was sent; the receiver's file-result ends the transfer. */
        SENT,
        STOPPED,
        NO_ROOM,
        CHANNEL_CLOSED,
        SOURCE_CHANGED,
        UNREADABLE
    }

    /** Where a running loop must jump back to, and the message size the receiver now asks for. */
    record Restart(long offset, int payloadMax) {
    }

    private final TransferId id;
    private final Path source;
    private final long size;
    private final String label;
    final PeerLink link;
    private final long start;
    private final int payloadMax;
    private final TransferConfig config;
    private final Ended ended;

    // ---- mailbox from the control thread ----
    private volatile boolean stopped;
    private final AtomicLong acked;
    private final AtomicReference<Restart> restart = new AtomicReference<>();

    Stream(Sender.Source s, PeerLink link, long start, long acked, int payloadMax, TransferConfig config, Ended ended) {
        this.id = s.id();
        this.source = s.path();
        this.size = s.size();
        this.label = s.label();
        this.link = link;
        this.start = start;
        this.acked = new AtomicLong(acked);
        this.payloadMax = payloadMax;
        this.config = config;
        this.ended = ended;
    }

    /** Any thread: the loop ends at its next check. */
    void stop() {
        stopped = true;
    }

    /** Any thread: the receiver has written this much. */
    void ack(long written) {
        acked.set(written);
    }

    /** Any thread: the receiver restarted its side at {@code offset}; the loop jumps back. */
    void restart(long offset, int payloadMax) {
        acked.set(offset);
        restart.set(new Restart(offset, payloadMax));
    }

    /** A restart the loop did not take before it ended, or null. */
    Restart pendingRestart() {
        return restart.get();
    }

    @Override
    public void run() {
        End end = End.SENT;
        try (FileChannel fc = FileChannel.open(source, StandardOpenOption.READ)) {
            long pos = start;
            int payload = payloadMax;
            while (true) {
                if (stopped || Thread.currentThread().isInterrupted()) {
                    end = End.STOPPED;
                    return;
                }
                Restart r = restart.getAndSet(null);
                if (r != null) {
                    pos = r.offset();
                    payload = r.payloadMax();
                }
                if (pos >= size) {
                    return; // everything sent; the receiver's file-result ends it
                }
                End blocked = awaitRoom(pos);
                if (blocked != null) {
                    end = blocked;
                    return;
                }
                if (restart.get() != null) {
                    continue; // jump back before sending from the old position
                }
                int n = (int) Math.min(payload, size - pos);
                byte[] frame = new byte[Frames.HEADER + n]; // exact size: send() sends the whole array
                Frames.putLong(frame, pos);
                ByteBuffer buf = ByteBuffer.wrap(frame, Frames.HEADER, n);
                while (buf.hasRemaining()) {
                    if (fc.read(buf, pos + buf.position() - Frames.HEADER) < 0) {
                        end = End.SOURCE_CHANGED;
                        return;
                    }
                }
                if (link.sendBinary(label, frame)) {
                    pos += n;
                } else if (link.bufferedAmount(label) < 0) {
                    end = End.CHANNEL_CLOSED;
                    return;
                } else {
                    LockSupport.parkNanos(PARK_NANOS); // queue full just now: retry the same frame
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("reading {} for {} failed", source, id, e);
            end = End.UNREADABLE;
        } finally {
            log.debug("stream of {} ended: {}", id, end);
            ended.ended(this, end);
        }
    }

    /**
     * Waits (parking, bounded by the stall timeout since the last sign of progress) for buffer and
     * window room; null when there is room, else why the loop must end.
     */
    private End awaitRoom(long pos) {
        long stall = config.stallTimeout().toNanos();
        long deadline = System.nanoTime() + stall;
        long lastAcked = acked.get();
        long lastBuffered = Long.MAX_VALUE;
        while (true) {
            if (stopped || Thread.currentThread().isInterrupted()) {
                return End.STOPPED;
            }
            long buffered = link.bufferedAmount(label);
            if (buffered < 0) {
                return End.CHANNEL_CLOSED;
            }
            long a = acked.get();
            if (restart.get() != null
                    || buffered <= config.highWaterBytes() && pos - a <= config.windowBytes()) {
                return null;
            }
            long now = System.nanoTime();
            if (a != lastAcked || buffered < lastBuffered) {
                lastAcked = a;
                deadline = now + stall;
            }
            lastBuffered = buffered;
            if (now - deadline > 0) {
                log.warn("{} stalled for {}; waiting for the receiver to resume", id, config.stallTimeout());
                return End.NO_ROOM;
            }
            LockSupport.parkNanos(PARK_NANOS);
        }
    }
}
