package dev.parley.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A group call as this member's history keeps it (docs/library.md § Group calls): recorded once, when
 * the call ends (its last participant left) or when this client closes while it was in it.
 *
 * @param startedAt when this member first heard of the call (it started it, or a participant told it)
 * @param joined    whether this member was in the call at some point; false: a missed call
 * @param inCall    this member's time in the call (every stretch summed; zero when missed)
 * @param with      the other participants this member was in the call with, in the order they met
 */
public record GroupCallRecord(GroupId group, CallId call, Instant startedAt, Instant endedAt, boolean joined,
                              Duration inCall, List<PeerId> with) {
    public GroupCallRecord {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(endedAt, "endedAt");
        Objects.requireNonNull(inCall, "inCall");
        with = List.copyOf(with);
    }

    /** A call that ran in the group while this member never joined it. */
    public boolean missed() {
        return !joined;
    }
}
