package dev.parley.protocol.group;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.CanonicalBytes;
import dev.parley.protocol.crypto.IdentityKey;
import dev.parley.protocol.crypto.IdentityKeyPair;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * A message posted to a group, signed by its author (docs/protocol.md § Groups). Each author's
 * messages form a hash chain: {@code seq} counts from 1 without gaps and {@code prev} is the id of the
 * author's message {@code seq − 1} (none for seq 1). {@code deps} are the heads of other authors'
 * chains the author had seen (ascending by raw bytes, at most {@link GroupLimits#MAX_DEPS}),
 * {@code roster} the roster head the author had seen, {@code lamport} one more than the highest
 * message clock among {@code prev} and {@code deps}. {@link #id()} is SHA-256 of
 * {@link #canonicalBytes()}; the signature is over the same bytes, so whoever relays the message
 * cannot change a field of it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GroupMessage(GroupId group, IdentityKey author, long seq, GroupMessageId prev, List<GroupMessageId> deps,
                           RosterOpId roster, long lamport, long timeMs, String body, String signature) {
    public static final String DOMAIN = "PARLEY-GROUP-MSG-v1";
    /** The order {@code deps} are listed (and signed) in: unsigned lexicographic on the 32 raw bytes. */
    public static final Comparator<GroupMessageId> DEP_ORDER = (a, b) -> Arrays.compareUnsigned(a.bytes(), b.bytes());

    public GroupMessage {
        require("group", group);
        require("author", author);
        require("roster", roster);
        require("body", body);
        require("signature", signature);
        Base64Url.decode("signature", signature, IdentityKey.SIGNATURE_LENGTH);
        if (seq < 1) throw new IllegalArgumentException("'seq' must be >= 1");
        if ((seq == 1) != (prev == null)) throw new IllegalArgumentException("'prev' is given exactly when seq > 1");
        if (lamport < 1) throw new IllegalArgumentException("'lamport' must be >= 1");
        if (timeMs < 0) throw new IllegalArgumentException("'timeMs' must be >= 0");
        deps = deps == null ? List.of() : List.copyOf(deps);
        if (deps.size() > GroupLimits.MAX_DEPS) throw new IllegalArgumentException("at most " + GroupLimits.MAX_DEPS + " 'deps'");
        for (int i = 1; i < deps.size(); i++) {
            if (DEP_ORDER.compare(deps.get(i - 1), deps.get(i)) >= 0) {
                throw new IllegalArgumentException("'deps' must be distinct and ascending by raw bytes");
            }
        }
        if (prev != null && deps.contains(prev)) throw new IllegalArgumentException("'deps' must not repeat 'prev'");
        // The body limit is the receiver's check (a counted rejection), not a decoding error: see oversize().
    }

    /** Whether the body is over {@link GroupLimits#MAX_BODY_BYTES}; receivers refuse such a message, senders never sign one. */
    public boolean oversize() {
        return GroupLimits.utf8Length(body) > GroupLimits.MAX_BODY_BYTES;
    }

    private static <T> T require(String field, T value) {
        if (value == null) throw new IllegalArgumentException("'" + field + "' is required");
        return value;
    }

    /**
     * What the author signs:
     * <pre>
     * "PARLEY-GROUP-MSG-v1" ‖ group(32) ‖ IK_author(32) ‖ seq(u64) ‖ prev(32|0) ‖ roster(32) ‖
     * deps(32·n: the ids concatenated in order) ‖ lamport(u64) ‖ timeMs(u64) ‖ body(UTF-8)
     * </pre>
     */
    public byte[] canonicalBytes() {
        return canonical(group, author, seq, prev, deps, roster, lamport, timeMs, body);
    }

    static byte[] canonical(GroupId group, IdentityKey author, long seq, GroupMessageId prev, List<GroupMessageId> deps,
                            RosterOpId roster, long lamport, long timeMs, String body) {
        ByteArrayOutputStream d = new ByteArrayOutputStream(32 * deps.size());
        for (GroupMessageId dep : deps) d.writeBytes(dep.bytes());
        return CanonicalBytes.domain(DOMAIN).bytes(group.bytes()).bytes(author.raw()).u64(seq)
                .bytes(prev == null ? new byte[0] : prev.bytes()).bytes(roster.bytes()).bytes(d.toByteArray())
                .u64(lamport).u64(timeMs).text(body).toByteArray();
    }

    public GroupMessageId id() {
        return GroupMessageId.ofCanonical(canonicalBytes());
    }

    public boolean verify() {
        return author.verify(canonicalBytes(), Base64Url.decode("signature", signature));
    }

    /** The message {@code key} signs; {@code deps} are put in their canonical order. */
    public static GroupMessage sign(IdentityKeyPair key, GroupId group, long seq, GroupMessageId prev,
                                    Collection<GroupMessageId> deps, RosterOpId roster, long lamport, long timeMs, String body) {
        if (GroupLimits.utf8Length(body) > GroupLimits.MAX_BODY_BYTES) {
            throw new IllegalArgumentException("'body' over " + GroupLimits.MAX_BODY_BYTES + " UTF-8 bytes");
        }
        List<GroupMessageId> sorted = new ArrayList<>(deps);
        sorted.sort(DEP_ORDER);
        byte[] bytes = canonical(group, key.publicKey(), seq, prev, sorted, roster, lamport, timeMs, body);
        return new GroupMessage(group, key.publicKey(), seq, prev, sorted, roster, lamport, timeMs, body,
                Base64Url.encode(key.sign(bytes)));
    }
}
