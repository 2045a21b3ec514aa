package dev.parley.client.internal.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The whole-file SHA-256 that decides whether a received file is kept (1:1 transfers and group files
 * alike), and the re-hash of a part file's trusted prefix when a transfer resumes. Stateless; safe
 * from any thread (blocking I/O).
 */
public final class FileHash {
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final int BUFFER = 1 << 20;

    private FileHash() {
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The offered hash in our form (lowercase hex), or null if it is not 64 hex digits. */
    public static String normalize(String offered) {
        String sha = offered == null ? "" : offered.toLowerCase(Locale.ROOT);
        return SHA256_HEX.matcher(sha).matches() ? sha : null;
    }

    /**
     * Hex SHA-256 (lowercase) of the first {@code size} bytes of {@code file}, streamed (1 MiB buffer).
     *
     * @throws IOException if the file cannot be read or is shorter than {@code size}
     */
    public static String sha256(Path file, long size) throws IOException {
        MessageDigest d = newDigest();
        byte[] buf = new byte[BUFFER];
        long left = size;
        try (InputStream in = Files.newInputStream(file)) {
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new IOException("file shrank while hashing: " + file);
                }
                d.update(buf, 0, n);
                left -= n;
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /**
     * A digest fed with the first {@code length} bytes of {@code fc}: the state a resumed transfer
     * continues from, so the final check still covers the whole file.
     */
    public static MessageDigest prefix(FileChannel fc, long length) throws IOException {
        MessageDigest d = newDigest();
        ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        for (long pos = 0; pos < length; ) {
            buf.clear().limit((int) Math.min(buf.capacity(), length - pos));
            int n = fc.read(buf, pos);
            if (n < 0) {
                throw new IOException("part file shorter than expected");
            }
            d.update(buf.array(), 0, n);
            pos += n;
        }
        return d;
    }
}
