package dev.parley.client.internal.transfer;

import dev.parley.client.Transfer;
import dev.parley.client.TransferId;
import dev.parley.client.internal.files.Completion;
import dev.parley.client.internal.files.FileHash;
import dev.parley.client.internal.store.TransferStore;
import lombok.extern.slf4j.Slf4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * The partial file of one {@link Receiver}: opened (or resumed from the offset we can trust), written
 * frame by frame in order, checkpointed (fsync, then the verified offset recorded), and finally
 * handed to {@link Completion} (whole-file SHA-256, then moved under its final name) — or deleted.
 *
 * <p>Confinement: every method runs on the receiver's own disk {@link Lane} and nowhere else; the
 * receiver learns results only through what it hands back to the control thread.
 */
@Slf4j
final class PartFile {
    /** A frame or the file itself that must end the transfer; {@link #reason} goes to the sender. */
    static final class Rejected extends Exception {
        final String reason;

        Rejected(String reason) {
            super(reason, null, false, false);
            this.reason = reason;
        }
    }

    private final TransferStore store;
    private final TransferConfig config;
    private final TransferId id;
    private final long size;
    final Path path;
    private final boolean trustPageCache;

    private FileChannel file;
    private MessageDigest digest;
    private long written;
    private long checkpointed;
    private long checkpointNanos;
    /** Saved or discarded: never opened (hence re-created) again. */
    private boolean over;

    PartFile(TransferStore store, TransferConfig config, TransferId id, long size, Path path, boolean trustPageCache) {
        this.store = store;
        this.config = config;
        this.id = id;
        this.size = size;
        this.path = path;
        this.trustPageCache = trustPageCache;
    }

    /** Opens the part file if it is not open yet, after a restart at the offset we can trust (see BootId); returns the bytes held. */
    long open() throws IOException {
        if (file != null) {
            return written;
        }
        if (over) {
            throw new IOException("part file of " + id + " already saved or discarded");
        }
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("part file is not a regular file: " + path);
            }
            FileChannel fc = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
            try {
                long length = fc.size();
                long verified = store.get(id).map(Transfer::verifiedOffset).orElse(0L);
                // Same boot: whatever our killed process wrote is in the page cache, so the length is
                // good. Otherwise (OS crash, power loss) only what we fsynced and recorded is.
                long resume = Math.min(size, trustPageCache ? length : Math.min(length, verified));
                if (length != resume) {
                    fc.truncate(resume);
                }
                digest = FileHash.prefix(fc, resume);
                fc.force(false);
                file = fc;
                written = resume;
                store.updateVerifiedOffset(id, resume);
                log.info("resuming {} at {} (part file had {}, last checkpoint {})", id, resume, length, verified);
            } catch (IOException | RuntimeException e) {
                fc.close();
                throw e;
            }
        } else {
            file = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            digest = FileHash.newDigest();
            written = 0;
        }
        checkpointed = written;
        checkpointNanos = System.nanoTime();
        return written;
    }

    /**
     * Writes one frame if it continues what we hold; returns the bytes held afterwards, or -1 if the
     * file is not open (not accepted here, or over).
     *
     * @throws Rejected for a frame that is malformed or goes beyond the declared size
     */
    long write(byte[] frame) throws IOException, Rejected {
        if (file == null) {
            return -1;
        }
        if (frame.length < Frames.HEADER) {
            throw new Rejected("bad-frame");
        }
        long offset = Frames.getLong(frame);
        long end = offset + (frame.length - Frames.HEADER);
        if (offset < 0 || end > size) {
            throw new Rejected("size-exceeded");
        }
        if (end <= written || offset > written) {
            return written; // a stale frame from a superseded stream: already have it, or not contiguous
        }
        int skip = (int) (written - offset);
        int n = frame.length - Frames.HEADER - skip;
        ByteBuffer data = ByteBuffer.wrap(frame, Frames.HEADER + skip, n);
        digest.update(frame, Frames.HEADER + skip, n);
        long pos = written;
        while (data.hasRemaining()) {
            pos += file.write(data, pos);
        }
        written = end;
        if (written - checkpointed >= config.checkpointBytes()
                || System.nanoTime() - checkpointNanos >= config.checkpointInterval().toNanos()) {
            checkpoint();
        }
        return written;
    }

    /** Makes the written prefix durable, then records it as verified; a failure is retried next time. */
    void checkpoint() {
        if (file == null) {
            return;
        }
        try {
            file.force(false);
            store.updateVerifiedOffset(id, written);
            checkpointed = written;
            checkpointNanos = System.nanoTime();
        } catch (IOException | RuntimeException e) {
            log.warn("checkpoint of {} failed; will retry", id, e);
        }
    }

    /**
     * All bytes are here: {@link Completion} checks the hash fed while writing, then saves under
     * {@code name} in {@code dir} (never overwriting). Returns the saved file.
     *
     * @throws Rejected ("sha256-mismatch") if the bytes are not what was offered; the part file is deleted
     * @throws IOException if the file cannot be closed or moved
     */
    Path finish(Path dir, String name, String sha256) throws IOException, Rejected {
        if (file == null) {
            throw new IOException("part file of " + id + " is not open");
        }
        FileChannel fc = file;
        file = null;
        over = true;
        try {
            return Completion.complete(fc, path, size, sha256, digest, dir, name);
        } catch (Completion.Mismatch m) {
            throw new Rejected(Completion.Mismatch.REASON);
        }
    }

    /** Closes and deletes the part file; nothing is kept. */
    void discard() {
        over = true;
        close();
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.warn("could not delete {}", path, e);
        }
    }

    /** The engine closes: record how far we got and let go of the file. */
    void shutdown() {
        checkpoint();
        close();
    }

    private void close() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                log.debug("closing {}", path, e);
            }
            file = null;
        }
    }
}
