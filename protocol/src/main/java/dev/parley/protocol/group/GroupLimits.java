package dev.parley.protocol.group;

/** The numbers every group member holds the others to (docs/protocol.md § Groups, Limits). */
public final class GroupLimits {
    /** Members of a group at any time, admins included; the 17th add is void. */
    public static final int MAX_MEMBERS = 16;
    /** A group message's body, in UTF-8 bytes (a batch of messages must fit one 64 KiB peer message). */
    public static final int MAX_BODY_BYTES = 8 * 1024;
    /** A group or member name, in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 256;
    /** Causal dependencies one message names (heads of other authors' chains). */
    public static final int MAX_DEPS = MAX_MEMBERS;
    /** Messages in one {@code group-msgs} batch (and ids in one {@code group-ack}). */
    public static final int MAX_BATCH = 64;
    /** Operations in one {@code group-roster} batch: 32 of at most ~1 KiB each stay far below 64 KiB. */
    public static final int MAX_ROSTER_BATCH = 32;
    /** Encoded size a sender keeps a batch under (the peer-message limit is 64 KiB). */
    public static final int MAX_BATCH_BYTES = 48 * 1024;
    /** Roster operations a group may have in all. */
    public static final int MAX_ROSTER_OPS = 4096;
    /** Authors named in one summary (every member ever; a chain outlives its author's membership). */
    public static final int MAX_SUMMARY_AUTHORS = 256;

    private GroupLimits() {}

    /** Whether a name has a control character (they would also multiply its encoded size). */
    static boolean hasControl(String s) {
        return s.chars().anyMatch(Character::isISOControl);
    }

    static int utf8Length(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }
}
