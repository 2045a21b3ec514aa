package dev.parley.client.internal.transfer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link TransferEngine}. Immutable; {@link #defaults} are the measured choices
 * explained in docs/files-notes.md.
 *
 * @param downloadDir        the folder Parley owns for incoming files (created if missing)
 * @param maxMessageSize     largest data-channel message we accept, announced in {@code file-accept}
 *                           (our {@code a=max-message-size}, RFC 8841); also caps what we send
 * @param highWaterBytes     the sender waits while the channel's bufferedAmount is above this
 * @param windowBytes        the sender keeps at most this many bytes not yet acknowledged as written
 *                           by the receiver, so the receiver's heap stays bounded
 * @param ackEveryBytes      the receiver acknowledges its written offset this often
 * @param checkpointBytes    the receiver fsyncs and records its verified offset this often...
 * @param checkpointInterval ...or at least this often while data flows
 * @param progressInterval   progress events per transfer are at most this frequent
 * @param stallTimeout       a sender that sees no room for this long stops and waits for a resume
 * @param sendThreads        transfers streamed at once (more wait their turn)
 * @param diskThreads        threads writing and verifying incoming files
 */
public record TransferConfig(
        Path downloadDir,
        int maxMessageSize,
        long highWaterBytes,
        long windowBytes,
        long ackEveryBytes,
        long checkpointBytes,
        Duration checkpointInterval,
        Duration progressInterval,
        Duration stallTimeout,
        int sendThreads,
        int diskThreads) {

    /** What webrtc-java 0.14 accepts per message (shared notes §5). */
    public static final int NATIVE_MAX_MESSAGE_SIZE = 262_144;
    /** What every browser accepts; the assumption when a peer does not say (RFC 8841 §6.1 default). */
    public static final int SAFE_MESSAGE_SIZE = 65_536;

    public TransferConfig {
        Objects.requireNonNull(downloadDir, "downloadDir");
        if (maxMessageSize < 1024 || maxMessageSize > NATIVE_MAX_MESSAGE_SIZE) {
            throw new IllegalArgumentException("maxMessageSize must be 1024.." + NATIVE_MAX_MESSAGE_SIZE);
        }
        if (highWaterBytes < maxMessageSize || windowBytes < maxMessageSize || ackEveryBytes <= 0 || checkpointBytes <= 0) {
            throw new IllegalArgumentException("buffer sizes must each hold at least one message");
        }
        if (sendThreads < 1 || diskThreads < 1) {
            throw new IllegalArgumentException("need at least one send and one disk thread");
        }
        Objects.requireNonNull(checkpointInterval, "checkpointInterval");
        Objects.requireNonNull(progressInterval, "progressInterval");
        Objects.requireNonNull(stallTimeout, "stallTimeout");
    }

    public static TransferConfig defaults(Path downloadDir) {
        return new TransferConfig(downloadDir, NATIVE_MAX_MESSAGE_SIZE, 4L << 20, 8L << 20, 1L << 20,
                4L << 20, Duration.ofSeconds(1), Duration.ofMillis(250), Duration.ofSeconds(30), 4, 2);
    }

    public TransferConfig withMaxMessageSize(int bytes) {
        return new TransferConfig(downloadDir, bytes, highWaterBytes, windowBytes, ackEveryBytes, checkpointBytes,
                checkpointInterval, progressInterval, stallTimeout, sendThreads, diskThreads);
    }

    /** A change to a config, for callers that build on {@link #defaults}. */
    @FunctionalInterface
    public interface Tweak {
        TransferConfig apply(TransferConfig c);
    }

    public TransferConfig withProgressInterval(Duration interval) {
        return new TransferConfig(downloadDir, maxMessageSize, highWaterBytes, windowBytes, ackEveryBytes, checkpointBytes,
                checkpointInterval, interval, stallTimeout, sendThreads, diskThreads);
    }

    public TransferConfig withCheckpoint(long bytes, Duration interval) {
        return new TransferConfig(downloadDir, maxMessageSize, highWaterBytes, windowBytes, ackEveryBytes, bytes,
                interval, progressInterval, stallTimeout, sendThreads, diskThreads);
    }
}
