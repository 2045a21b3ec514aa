package dev.parley.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A peer's address on Parley: the lowercase RFC 4648 base32 (no padding) of the first 20 bytes of
 * SHA-256 of the raw 32-byte Ed25519 identity key, 32 characters. The server derives it from the
 * key a client proves; nobody can choose one. Construction validates the form.
 */
public record PeerId(String value) implements Comparable<PeerId> {
    public static final int LENGTH = 32;

    public PeerId {
        if (!isValid(value)) {
            throw new IllegalArgumentException("not a peer id (32 characters of a-z and 2-7): "
                    + (value == null ? "null" : Printable.clip(value)));
        }
    }

    @JsonCreator
    public static PeerId of(String value) {
        return new PeerId(value);
    }

    public static boolean isValid(String s) {
        if (s == null || s.length() != LENGTH) return false;
        for (int i = 0; i < LENGTH; i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) return false;
        }
        return true;
    }

    @JsonValue
    @Override
    public String value() {
        return value;
    }

    /** The first 8 characters, for logs and compact display; never for routing. */
    public String shortForm() {
        return value.substring(0, 8);
    }

    @Override
    public int compareTo(PeerId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
