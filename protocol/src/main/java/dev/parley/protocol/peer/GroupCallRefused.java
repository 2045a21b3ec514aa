package dev.parley.protocol.peer;

import dev.parley.protocol.group.GroupId;

import java.util.UUID;

/**
 * A participant's answer to a {@link GroupCallState} {@code in:true} it will not take: {@code reason}
 * {@value #FULL} (the call has {@value #MAX_PARTICIPANTS} participants already). The joiner leaves the
 * call again. Direct, never relayed, unsigned.
 */
public record GroupCallRefused(GroupId group, UUID callId, String reason) implements PeerMessage {
    public static final String FULL = "full";
    /** A full mesh: every participant sends one Opus stream to each other participant. */
    public static final int MAX_PARTICIPANTS = 6;

    public GroupCallRefused {
        if (group == null) throw new IllegalArgumentException("'group' is required");
        if (callId == null) throw new IllegalArgumentException("'callId' is required");
        if (reason == null || reason.isBlank()) throw new IllegalArgumentException("'reason' is required");
    }

    @Override
    public void accept(Handler h) {
        h.groupCallRefused(this);
    }
}
