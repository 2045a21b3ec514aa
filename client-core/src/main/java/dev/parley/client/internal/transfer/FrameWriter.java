package dev.parley.client.internal.transfer;

import dev.parley.client.Transfer;
import dev.parley.client.TransferId;
import dev.parley.client.internal.files.Completion;
import dev.parley.client.internal.files.DurablePrefix;
import dev.parley.client.internal.files.PartFile;
import dev.parley.client.internal.store.TransferStore;
import lombok.extern.slf4j.Slf4j;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes the frames of one {@link Receiver}'s stream into its part file, in order: opened (or resumed
 * from the offset {@link DurablePrefix} trusts, the one recorded in the store), checkpointed every so
 * many bytes or seconds, and finally handed to {@link Completion} — or deleted.
 *
 * <p>Confinement: every method runs on the receiver's own disk {@link Lane} and nowhere else; the
 * receiver learns results only through what it hands back to the control thread.
 */
@Slf4j
final class FrameWriter {
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
    private final Path path;
    private final boolean trustPageCache;

    private DurablePrefix part;
    private long checkpointed;
    private long checkpointNanos;
    /** Saved or discarded: never opened (hence re-created) again. */
    private boolean over;

    FrameWriter(TransferStore store, TransferConfig config, TransferId id, long size, Path path, boolean trustPageCache) {
        this.store = store;
        this.config = config;
        this.id = id;
        this.size = size;
        this.path = path;
        this.trustPageCache = trustPageCache;
    }

    /** Opens the part file if it is not open yet, after a restart at the offset we can trust (see BootId); returns the bytes held. */
    long open() throws IOException {
        if (part != null) {
            return part.held();
        }
        if (over) {
            throw new IOException("part file of " + id + " already saved or discarded");
        }
        part = DurablePrefix.open(path, size, new DurablePrefix.Offset() {
            @Override
            public long recorded() {
                return store.get(id).map(Transfer::verifiedOffset).orElse(0L);
            }

            @Override
            public void record(long offset) {
                store.updateVerifiedOffset(id, offset);
            }
        }, trustPageCache);
        checkpointed = part.held();
        checkpointNanos = System.nanoTime();
        return part.held();
    }

    /**
     * Writes one frame if it continues what we hold; returns the bytes held afterwards, or -1 if the
     * file is not open (not accepted here, or over).
     *
     * @throws Rejected for a frame that is malformed or goes beyond the declared size
     */
    long write(byte[] frame) throws IOException, Rejected {
        if (part == null) {
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
        long written = part.held();
        if (end <= written || offset > written) {
            return written; // a stale frame from a superseded stream: already have it, or not contiguous
        }
        int skip = (int) (written - offset);
        part.append(frame, Frames.HEADER + skip, frame.length - Frames.HEADER - skip);
        if (end - checkpointed >= config.checkpointBytes()
                || System.nanoTime() - checkpointNanos >= config.checkpointInterval().toNanos()) {
            checkpoint();
        }
        return end;
    }

    /** Makes the written prefix durable, then records it as verified; a failure is retried next time. */
    void checkpoint() {
        if (part == null) {
            return;
        }
        try {
            part.checkpoint();
            checkpointed = part.held();
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
        if (part == null) {
            throw new IOException("part file of " + id + " is not open");
        }
        DurablePrefix p = part;
        part = null;
        over = true;
        try {
            return p.complete(sha256, dir, name);
        } catch (Completion.Mismatch m) {
            throw new Rejected(Completion.Mismatch.REASON);
        }
    }

    /** Closes and deletes the part file; nothing is kept. */
    void discard() {
        over = true;
        if (part != null) {
            part.discard();
            part = null;
        } else {
            PartFile.deleteQuietly(path); // never opened in this run: what an earlier run left
        }
    }

    /** The engine closes: record how far we got and let go of the file. */
    void shutdown() {
        checkpoint();
        if (part != null) {
            part.close();
            part = null;
        }
    }
}
