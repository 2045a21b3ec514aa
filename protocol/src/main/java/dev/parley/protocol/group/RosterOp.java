package dev.parley.protocol.group;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.CanonicalBytes;
import dev.parley.protocol.crypto.IdentityKey;
import dev.parley.protocol.crypto.IdentityKeyPair;

import java.util.Objects;

/**
 * One signed change to a group's roster (docs/protocol.md § Groups). Each names the operation its
 * author saw as the roster's head ({@code prev}; none for {@code create}), so the operations form a
 * hash-linked history; {@code lamport} is one more than the highest roster clock the author had seen.
 * The signature is the author's Ed25519 signature over {@link #canonicalBytes()}, and
 * {@link #id()} is SHA-256 of those bytes.
 *
 * <p>The constructor checks the form of each action (which fields it has, their sizes, that a
 * {@code create} names the group its author and salt derive); whether the author may do it at that
 * point of the roster is the receiver's business (client-core's roster).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RosterOp(GroupId group, RosterAction action, IdentityKey author, RosterOpId prev, long lamport,
                       long timeMs, IdentityKey member, String name, String salt, Cutoff cutoff, String signature) {
    public static final String DOMAIN = "PARLEY-GROUP-OP-v1";

    public RosterOp {
        require("group", group);
        require("action", action);
        require("author", author);
        require("signature", signature);
        Base64Url.decode("signature", signature, IdentityKey.SIGNATURE_LENGTH);
        if (lamport < 1) throw new IllegalArgumentException("'lamport' must be >= 1");
        if (timeMs < 0) throw new IllegalArgumentException("'timeMs' must be >= 0");
        if (name != null && (name.isEmpty() || GroupLimits.utf8Length(name) > GroupLimits.MAX_NAME_BYTES || GroupLimits.hasControl(name))) {
            throw new IllegalArgumentException("'name' must be 1.." + GroupLimits.MAX_NAME_BYTES + " UTF-8 bytes without control characters");
        }
        if (action == RosterAction.CREATE) {
            if (prev != null) throw new IllegalArgumentException("a create has no 'prev'");
            if (lamport != 1) throw new IllegalArgumentException("a create has lamport 1");
            require("salt", salt);
            require("name", name);
            if (!GroupId.derive(author, Base64Url.decode("salt", salt, GroupId.SALT_LENGTH)).equals(group)) {
                throw new IllegalArgumentException("'group' is not derived from the author's key and the salt");
            }
        } else {
            require("prev", prev);
            if (salt != null) throw new IllegalArgumentException("only a create has a 'salt'");
        }
        if (action.hasMember()) {
            require("member", member);
            if (action != RosterAction.DEMOTE && member.equals(author)) {
                throw new IllegalArgumentException("an admin cannot " + action.wire() + " themselves");
            }
        } else if (member != null) {
            throw new IllegalArgumentException("a " + action.wire() + " names no 'member'");
        }
        if (action == RosterAction.RENAME) require("name", name);
        if (name != null && action != RosterAction.CREATE && action != RosterAction.RENAME && action != RosterAction.ADD) {
            throw new IllegalArgumentException("a " + action.wire() + " has no 'name'");
        }
        if (action.endsMembership()) {
            require("cutoff", cutoff);
        } else if (cutoff != null) {
            throw new IllegalArgumentException("only a remove or leave has a 'cutoff'");
        }
    }

    private static <T> T require(String field, T value) {
        if (value == null) throw new IllegalArgumentException("'" + field + "' is required");
        return value;
    }

    /**
     * What the author signs; absent fields are empty byte strings:
     * <pre>
     * "PARLEY-GROUP-OP-v1" ‖ action ‖ group(32) ‖ IK_author(32) ‖ prev(32|0) ‖ lamport(u64) ‖ timeMs(u64) ‖
     * IK_member(32|0) ‖ name(UTF-8|0) ‖ salt(16|0) ‖ cutoff.seq(u64|0) ‖ cutoff.last(32|0)
     * </pre>
     */
    public byte[] canonicalBytes() {
        return canonical(group, action, author, prev, lamport, timeMs, member, name,
                salt == null ? null : Base64Url.decode("salt", salt), cutoff);
    }

    static byte[] canonical(GroupId group, RosterAction action, IdentityKey author, RosterOpId prev, long lamport,
                            long timeMs, IdentityKey member, String name, byte[] salt, Cutoff cutoff) {
        byte[] none = new byte[0];
        CanonicalBytes b = CanonicalBytes.domain(DOMAIN).text(action.wire()).bytes(group.bytes()).bytes(author.raw())
                .bytes(prev == null ? none : prev.bytes()).u64(lamport).u64(timeMs)
                .bytes(member == null ? none : member.raw()).text(name == null ? "" : name)
                .bytes(salt == null ? none : salt);
        if (cutoff == null) {
            b.bytes(none).bytes(none);
        } else {
            b.u64(cutoff.seq()).bytes(cutoff.last() == null ? none : cutoff.last().bytes());
        }
        return b.toByteArray();
    }

    public RosterOpId id() {
        return RosterOpId.ofCanonical(canonicalBytes());
    }

    /** True when the signature is the author's over these fields. */
    public boolean verify() {
        return author.verify(canonicalBytes(), Base64Url.decode("signature", signature));
    }

    /** The operation {@code key} signs; the form rules of the constructor apply. */
    public static RosterOp sign(IdentityKeyPair key, GroupId group, RosterAction action, RosterOpId prev, long lamport,
                                long timeMs, IdentityKey member, String name, byte[] salt, Cutoff cutoff) {
        Objects.requireNonNull(action, "action");
        byte[] bytes = canonical(group, action, key.publicKey(), prev, lamport, timeMs, member, name, salt, cutoff);
        return new RosterOp(group, action, key.publicKey(), prev, lamport, timeMs, member, name,
                salt == null ? null : Base64Url.encode(salt), cutoff, Base64Url.encode(key.sign(bytes)));
    }

    /** Founds a group named {@code name}; its id follows from the key and the 16-byte salt. */
    public static RosterOp create(IdentityKeyPair key, String name, byte[] salt, long timeMs) {
        return sign(key, GroupId.derive(key.publicKey(), salt), RosterAction.CREATE, null, 1, timeMs, null, name, salt, null);
    }
}
