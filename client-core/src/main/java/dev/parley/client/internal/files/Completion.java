package dev.parley.client.internal.files;

import lombok.extern.slf4j.Slf4j;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * The end of every download, 1:1 or group: the part file is made durable and closed, its whole-file
 * SHA-256 decides, and only a match is moved into the download folder under the safe form of the
 * offered name (never overwriting, never leaving the folder). A mismatch deletes the part file, so
 * nothing of a bad download stays on disk. Stateless; blocking I/O on the caller's thread (a
 * download's disk lane or the swarm worker).
 */
@Slf4j
public final class Completion {
    /** The bytes are not the offered file (wrong length or hash); the part file is already deleted. */
    public static final class Mismatch extends Exception {
        /** What both wires call it (a 1:1 {@code file-result}, a group file's failure). */
        public static final String REASON = "sha256-mismatch";

        Mismatch() {
            super(REASON, null, false, false);
        }
    }

    private Completion() {
    }

    /**
     * Completes the download held in {@code part}, whose open channel {@code fc} this closes.
     *
     * @param streamed the digest fed with every byte as it was written (a 1:1 stream), or null to
     *                 read the file back (pieces written out of order)
     * @param name     the offered name, made safe here ({@link FileNames#sanitize}) whatever the caller did
     * @return the saved file, inside {@code dir}
     * @throws Mismatch    if the length or the hash is not the offered one (the part file is gone)
     * @throws IOException if the file cannot be made durable, read or moved (the part file stays)
     */
    public static Path complete(FileChannel fc, Path part, long size, String sha256, MessageDigest streamed,
                                Path dir, String name) throws Mismatch, IOException {
        try (fc) {
            fc.force(true);
        }
        long length = Files.size(part);
        String got = length != size ? null : streamed != null ? FileHash.hex(streamed) : FileHash.sha256(part, size);
        if (got == null || !got.equals(sha256)) {
            log.warn("{}: not the offered file (size {} of {}, SHA-256 {}, offered {}); deleting it", part.getFileName(),
                    length, size, got, sha256);
            Files.deleteIfExists(part);
            throw new Mismatch();
        }
        if (!Files.isRegularFile(part, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("part file is not a regular file: " + part);
        }
        return FileNames.moveIntoPlace(part, dir.toRealPath(), FileNames.sanitize(name));
    }
}
