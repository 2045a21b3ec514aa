package dev.parley.protocol.group;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.Hashes;

/** The id of a roster operation: SHA-256 of its canonical bytes (see {@link RosterOp#canonicalBytes()}), base64url. Equal ids mean equal content. */
public record RosterOpId(String value) implements DigestId, Comparable<RosterOpId> {
    public RosterOpId {
        Digest32.check("id", value);
    }

    @JsonCreator
    public static RosterOpId of(String value) {
        return new RosterOpId(value);
    }

    /** The id of these canonical bytes. */
    public static RosterOpId ofCanonical(byte[] canonical) {
        return new RosterOpId(Base64Url.encode(Hashes.sha256(canonical)));
    }

    @JsonValue
    @Override
    public String value() {
        return value;
    }

    @Override
    public int compareTo(RosterOpId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
