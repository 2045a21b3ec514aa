package dev.parley.protocol.group;

import dev.parley.protocol.crypto.Base64Url;

/** What the group ids share: a SHA-256 value as 43 characters of unpadded base64url, checked by {@link Digest32}. */
interface DigestId {
    String value();

    /** The 32 bytes. */
    default byte[] bytes() {
        return Base64Url.decode("id", value(), Digest32.LENGTH);
    }

    /** The first 8 characters, for logs and compact display. */
    default String shortForm() {
        return value().substring(0, 8);
    }
}
