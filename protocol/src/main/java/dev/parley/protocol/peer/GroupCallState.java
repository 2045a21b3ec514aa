package dev.parley.protocol.peer;

import dev.parley.protocol.group.GroupId;

import java.util.UUID;

/**
 * The sender's own part in a group call (docs/protocol.md § Group calls): {@code in} true when it
 * starts or joins call {@code callId} of {@code group}, false when it leaves. Sent directly to every
 * member of the group it has a session with, on every change and again on each session that opens
 * while it is in the call; never relayed, so unsigned (the pairwise session proves the sender). A
 * receiver learns only the sender's status from it, never anyone else's.
 */
public record GroupCallState(GroupId group, UUID callId, long startedAtMs, boolean in) implements PeerMessage {
    public GroupCallState {
        if (group == null) throw new IllegalArgumentException("'group' is required");
        if (callId == null) throw new IllegalArgumentException("'callId' is required");
    }

    @Override
    public void accept(Handler h) {
        h.groupCallState(this);
    }
}
