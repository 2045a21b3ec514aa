package dev.parley.protocol.group;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.CanonicalBytes;
import dev.parley.protocol.crypto.Hashes;
import dev.parley.protocol.crypto.IdentityKey;

/**
 * A group's name on the wire: {@code SHA-256("PARLEY-GROUP-ID-v1" ‖ IK_creator ‖ salt)} in canonical
 * bytes, base64url. Nobody can pick another creator's group id, and the salt (16 random bytes, in the
 * group's {@code create} operation) makes every group of one creator distinct.
 */
public record GroupId(String value) implements DigestId, Comparable<GroupId> {
    public static final String DOMAIN = "PARLEY-GROUP-ID-v1";
    public static final int SALT_LENGTH = 16;

    public GroupId {
        Digest32.check("group", value);
    }

    @JsonCreator
    public static GroupId of(String value) {
        return new GroupId(value);
    }

    /** The id of the group {@code creator} founds with {@code salt}. */
    public static GroupId derive(IdentityKey creator, byte[] salt) {
        if (salt.length != SALT_LENGTH) throw new IllegalArgumentException("a group salt is 16 bytes");
        byte[] h = Hashes.sha256(CanonicalBytes.domain(DOMAIN).bytes(creator.raw()).bytes(salt).toByteArray());
        return new GroupId(Base64Url.encode(h));
    }

    @JsonValue
    @Override
    public String value() {
        return value;
    }

    @Override
    public int compareTo(GroupId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
