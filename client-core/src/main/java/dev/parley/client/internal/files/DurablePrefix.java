package dev.parley.client.internal.files;

import lombok.extern.slf4j.Slf4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The 1:1 trust rule for a {@link PartFile}: it holds a contiguous prefix of the file, written in
 * order and hashed as it is written. After a restart on the same boot the whole length is trusted
 * (what the killed process wrote is in the page cache); after a reboot only the recorded offset is
 * (what was fsynced before it was recorded). The digest is rebuilt from the trusted prefix, so the
 * final check still covers every byte.
 *
 * <p>Not thread-safe: the download's disk lane owns it.
 */
@Slf4j
public final class DurablePrefix implements AutoCloseable {
    /** Where the offset known to be on disk is kept (1:1: the {@code transfers} row's {@code verified_offset}). */
    public interface Offset {
        long recorded();

        void record(long offset);
    }

    private final PartFile part;
    private final long size;
    private final Offset offset;
    private final MessageDigest digest;
    private long held;

    private DurablePrefix(PartFile part, long size, Offset offset, MessageDigest digest, long held) {
        this.part = part;
        this.size = size;
        this.offset = offset;
        this.digest = digest;
        this.held = held;
    }

    /**
     * Resumes the part file at {@code path} from the prefix it can trust (cut to that length, the
     * offset recorded again), or creates it empty.
     *
     * @param sameBoot whether the machine has not rebooted since the part file was last written
     */
    public static DurablePrefix open(Path path, long size, Offset offset, boolean sameBoot) throws IOException {
        Optional<PartFile> found = PartFile.find(path);
        if (found.isEmpty()) {
            return new DurablePrefix(PartFile.create(path), size, offset, FileHash.newDigest(), 0);
        }
        PartFile part = found.get();
        try {
            long length = part.length();
            long verified = offset.recorded();
            long resume = Math.min(size, sameBoot ? length : Math.min(length, verified));
            if (length != resume) {
                part.truncate(resume);
            }
            MessageDigest digest = part.digestOfPrefix(resume);
            part.checkpoint(() -> offset.record(resume));
            log.info("resuming {} at {} (part file had {}, last checkpoint {})", path.getFileName(), resume, length, verified);
            return new DurablePrefix(part, size, offset, digest, resume);
        } catch (IOException | RuntimeException e) {
            part.close();
            throw e;
        }
    }

    /** The bytes held, from the start of the file. */
    public long held() {
        return held;
    }

    /** Appends the next bytes of the file (the caller checks they continue the prefix and fit the size). */
    public void append(byte[] data, int from, int length) throws IOException {
        if (held + length > size) {
            throw new IOException("beyond the file's size: " + (held + length) + " > " + size);
        }
        digest.update(data, from, length);
        part.write(ByteBuffer.wrap(data, from, length), held);
        held += length;
    }

    /** The prefix to disk, then its length recorded. */
    public void checkpoint() throws IOException {
        long at = held;
        part.checkpoint(() -> offset.record(at));
    }

    /** All bytes are here: {@link Completion} with the digest taken while writing. */
    public Path complete(String sha256, Path dir, String name) throws Completion.Mismatch, IOException {
        return part.complete(size, sha256, digest, dir, name);
    }

    public void discard() {
        part.discard();
    }

    @Override
    public void close() {
        part.close();
    }
}
