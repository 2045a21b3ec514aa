package dev.parley.client.internal.transfer;

import dev.parley.client.TransferId;

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

    static void putLong(byte[] b, long v) {
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) v;
            v >>>= 8;
        }
    }

    static long getLong(byte[] b) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }

    static byte[] ack(long written) {
        byte[] b = new byte[HEADER];
        putLong(b, written);
        return b;
    }
}
