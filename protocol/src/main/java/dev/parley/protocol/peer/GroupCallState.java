package dev.parley.protocol.peer;

import dev.parley.protocol.group.GroupId;

import java.util.UUID;

/**
 * The sender's own part in a group call (docs/protocol.md § Group calls): {@code in} true when it
 * starts or joins call {@code callId} of {@code group}, false when it leaves; {@code muted} true while
 * its microphone is muted (absent: not muted; only meaningful with {@code in}). Sent directly to every
 * member of the group it has a session with, on every change (joining, leaving, muting, unmuting) and
 * again on each session that opens while it is in the call; never relayed, so unsigned (the pairwise
 * session proves the sender). A receiver learns only the sender's status from it, never anyone else's.
 */
public record GroupCallState(GroupId group, UUID callId, long startedAtMs, boolean in, Boolean muted) implements PeerMessage {
    public GroupCallState {
        if (group == null) throw new IllegalArgumentException("'group' is required");
        if (callId == null) throw new IllegalArgumentException("'callId' is required");
        muted = in && Boolean.TRUE.equals(muted) ? Boolean.TRUE : null; // one form on the wire: absent is "not muted"
    }

    /** Not muted (or leaving). */
    public GroupCallState(GroupId group, UUID callId, long startedAtMs, boolean in) {
        this(group, callId, startedAtMs, in, null);
    }

    /** Whether the sender says its microphone is muted. */
    public boolean saysMuted() {
        return Boolean.TRUE.equals(muted);
    }

    @Override
    public void accept(Handler h) {
        h.groupCallState(this);
    }
}
