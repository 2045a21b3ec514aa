package dev.parley.protocol.signal;

import dev.parley.protocol.Printable;
import dev.parley.protocol.crypto.Base64Url;

/**
 * The rules for a sender's optional correlation {@code id} (on relayed messages and {@code ping},
 * echoed as {@code ref} or in {@code pong}): at most 64 printable ASCII characters. Also the form check
 * for the 16-byte session ids offers, answers and candidates name.
 */
public final class CorrelationId {
    public static final int MAX_LENGTH = 64;
    public static final int SESSION_ID_BYTES = 16;

    private CorrelationId() {}

    public static boolean isValid(String s) {
        if (s == null || s.length() > MAX_LENGTH) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) return false;
        }
        return true;
    }

    /** {@code id} itself if absent or valid; otherwise IllegalArgumentException naming the rule. */
    static String check(String id) {
        if (id != null && !isValid(id)) {
            throw new IllegalArgumentException("'id' must be at most 64 printable ASCII characters: " + Printable.clip(id));
        }
        return id;
    }

    static <T> T require(String field, T value) {
        if (value == null) throw new IllegalArgumentException("'" + field + "' is required");
        return value;
    }

    /** A required 16-byte base64url session id. */
    static String sessionId(String field, String s) {
        require(field, s);
        Base64Url.decode(field, s, SESSION_ID_BYTES);
        return s;
    }
}
