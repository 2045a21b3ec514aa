package dev.parley.client;

import java.time.Instant;
import java.util.List;

/**
 * A group's call as this member knows it: its participants (this member among them when
 * {@code joined}), counted from what each participant said about itself.
 */
public record GroupCallInfo(GroupId group, CallId call, Instant startedAt, List<PeerId> participants, boolean joined,
                            boolean muted) {
    /** The most participants a group call takes: a full mesh, one Opus stream from each to each other. */
    public static final int MAX_PARTICIPANTS = 6;

    public GroupCallInfo {
        participants = List.copyOf(participants);
    }
}
