package dev.parley.protocol.group;

import dev.parley.protocol.crypto.Base64Url;

/** The form check shared by the group ids: a SHA-256 value, 32 bytes, unpadded base64url (43 characters). */
final class Digest32 {
    static final int LENGTH = 32;

    private Digest32() {}

    static String check(String field, String value) {
        Base64Url.decode(field, value, LENGTH);
        return value;
    }
}
