package dev.parley.protocol.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The byte string Parley signs: a sequence of fields, each a 4-byte big-endian length followed by
 * the field's bytes. Text is UTF-8, integers are 8-byte big-endian. Signing these bytes instead of
 * JSON text means no two implementations can disagree about whitespace or key order, and the length
 * prefixes keep one field from sliding into the next. The first field is always a domain tag.
 */
public final class CanonicalBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

    private CanonicalBytes() {}

    public static CanonicalBytes domain(String tag) {
        return new CanonicalBytes().text(tag);
    }

    public CanonicalBytes text(String s) {
        return bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    public CanonicalBytes bytes(byte[] b) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
        out.writeBytes(b);
        return this;
    }

    public CanonicalBytes u64(long v) {
        return bytes(ByteBuffer.allocate(8).putLong(v).array());
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
