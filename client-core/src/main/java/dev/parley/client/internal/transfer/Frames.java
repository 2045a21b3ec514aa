package dev.parley.client.internal.transfer;

import dev.parley.client.TransferId;

import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * The binary layout on a {@code file:<transferId>} data channel (docs/files-notes.md § Data):
 * sender → receiver messages are an 8-byte big-endian byte offset followed by file bytes;
 * receiver → sender messages are exactly 8 bytes, the big-endian count of bytes written so far.
 */
final class Frames {
    static final String LABEL_PREFIX = "file:";
    static final int HEADER = 8;

    private Frames() {
    }

    static String label(TransferId id) {
        return LABEL_PREFIX + id;
    }

    /** The transfer a channel label names, or null if it is not a file channel. */
    static TransferId idOf(String label) {
        if (label == null || !label.startsWith(LABEL_PREFIX)) {
            return null;
        }
        try {
            return new TransferId(UUID.fromString(label.substring(LABEL_PREFIX.length())));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Writes {@code v} big-endian into the first 8 bytes of {@code b}. */
    static void putLong(byte[] b, long v) {
        ByteBuffer.wrap(b).putLong(0, v);
    }

    /** Reads the big-endian long in the first 8 bytes of {@code b}. */
    static long getLong(byte[] b) {
        return ByteBuffer.wrap(b).getLong(0);
    }

    static byte[] ack(long written) {
        byte[] b = new byte[HEADER];
        putLong(b, written);
        return b;
    }
}
