package dev.parley.protocol.group;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.Hashes;

/** The id of a group message: SHA-256 of its canonical bytes (see {@link GroupMessage#canonicalBytes()}), base64url. Equal ids mean equal content. */
public record GroupMessageId(String value) implements DigestId, Comparable<GroupMessageId> {
    public GroupMessageId {
        Digest32.check("id", value);
    }

    @JsonCreator
    public static GroupMessageId of(String value) {
        return new GroupMessageId(value);
    }

    /** The id of these canonical bytes. */
    public static GroupMessageId ofCanonical(byte[] canonical) {
        return new GroupMessageId(Base64Url.encode(Hashes.sha256(canonical)));
    }

    @JsonValue
    @Override
    public String value() {
        return value;
    }

    @Override
    public int compareTo(GroupMessageId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
