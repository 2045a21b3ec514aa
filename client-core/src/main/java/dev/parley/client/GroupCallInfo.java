package dev.parley.client;

import java.time.Instant;
import java.util.List;

/**
 * A group's call as this member knows it: its participants (this member among them when
 * {@code joined}), counted from what each participant said about itself; {@code muted} whether this
 * member is muted, {@code mutedParticipants} the others that said they are muted, and
 * {@code reconnecting} the others whose path to this member is down (still counted, see
 * {@link ParleyEvent.GroupCallParticipantReconnecting}).
 */
public record GroupCallInfo(GroupId group, CallId call, Instant startedAt, List<PeerId> participants, boolean joined,
                            boolean muted, List<PeerId> mutedParticipants, List<PeerId> reconnecting) {
    /** The most participants a group call takes: a full mesh, one Opus stream from each to each other. */
    public static final int MAX_PARTICIPANTS = 6;

    public GroupCallInfo {
        participants = List.copyOf(participants);
        mutedParticipants = List.copyOf(mutedParticipants);
        reconnecting = List.copyOf(reconnecting);
    }

    /** Nobody else muted or reconnecting. */
    public GroupCallInfo(GroupId group, CallId call, Instant startedAt, List<PeerId> participants, boolean joined, boolean muted) {
        this(group, call, startedAt, participants, joined, muted, List.of(), List.of());
    }
}
