package dev.parley.client.internal.files;

import lombok.extern.slf4j.Slf4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The part file of one download, 1:1 or group: named by the download's id (never by the offered
 * name), created {@code CREATE_NEW} without following links, written at offsets, checkpointed (data
 * fsynced, then its record saved), and finally handed to {@link Completion} or deleted. What of it
 * can be trusted after a restart is decided by one of its two rules, {@link DurablePrefix} (1:1) or
 * {@link VerifiedPieces} (group files).
 *
 * <p>Not thread-safe: one download's disk thread (its lane, or the swarm worker) owns it.
 */
@Slf4j
public final class PartFile implements AutoCloseable {
    /** A record of what the part file holds, saved only once the data it names is on disk. */
    @FunctionalInterface
    public interface Record {
        void save() throws IOException;
    }

    private final Path path;
    private final FileChannel channel;

    private PartFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** A new, empty part file; refuses one that exists already, or a link in its place. */
    public static PartFile create(Path path) throws IOException {
        return new PartFile(path, FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * The part file left at {@code path} by an earlier run, if there is one.
     *
     * @throws IOException if something other than a regular file (a link, a folder) is there
     */
    public static Optional<PartFile> find(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("part file is not a regular file: " + path);
        }
        return Optional.of(new PartFile(path, FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)));
    }

    public Path path() {
        return path;
    }

    public boolean isOpen() {
        return channel.isOpen();
    }

    public long length() throws IOException {
        return channel.size();
    }

    public void write(ByteBuffer data, long position) throws IOException {
        for (long pos = position; data.hasRemaining(); ) {
            pos += channel.write(data, pos);
        }
    }

    /** Fills {@code into} from {@code position}. @throws IOException if the file ends first */
    public void read(ByteBuffer into, long position) throws IOException {
        for (long pos = position; into.hasRemaining(); ) {
            int n = channel.read(into, pos);
            if (n < 0) {
                throw new IOException("part file shorter than expected: " + path);
            }
            pos += n;
        }
    }

    /** The digest of the first {@code length} bytes (what a resumed stream continues from). */
    MessageDigest digestOfPrefix(long length) throws IOException {
        return FileHash.prefix(channel, length);
    }

    void truncate(long length) throws IOException {
        channel.truncate(length);
    }

    /** Makes the data durable, then saves {@code record}: a record never names bytes the disk may not hold. */
    public void checkpoint(Record record) throws IOException {
        channel.force(false);
        record.save();
    }

    /** Hands the finished file to {@link Completion} (this closes it). */
    public Path complete(long size, String sha256, MessageDigest streamed, Path dir, String name)
            throws Completion.Mismatch, IOException {
        return Completion.complete(channel, path, size, sha256, streamed, dir, name);
    }

    /** Closes and deletes the part file; nothing is kept. */
    public void discard() {
        close();
        deleteQuietly(path);
    }

    /** Deletes a part file that is not open (left by an earlier run); a failure is logged, not thrown. */
    public static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.warn("could not delete {}", path, e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing {}", path, e);
        }
    }
}
