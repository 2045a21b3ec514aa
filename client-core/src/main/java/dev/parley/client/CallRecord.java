package dev.parley.client;


import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A finished call, for the conversation history: emitted once per call on each side in
 * {@link CallEvent.Ended}; the owner of the history persists it.
 *
 * @param answeredAt   null if it was never answered
 * @param endedLocally true if this side's action (or this side's timeout) ended it
 */
public record CallRecord(CallId callId, PeerId peer, Direction direction, CallEndReason reason,
                         boolean endedLocally, Instant startedAt, Instant answeredAt, Instant endedAt) {
    public CallRecord {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(endedAt, "endedAt");
    }

    /** Talk time: from answer to end; zero if never answered. */
    public Duration duration() {
        return answeredAt == null ? Duration.ZERO : Duration.between(answeredAt, endedAt);
    }

    /** An incoming call nobody here answered (rang out, the caller gave up, or we were busy). */
    public boolean missed() {
        return direction == Direction.INCOMING && answeredAt == null
                && (reason == CallEndReason.NO_ANSWER || reason == CallEndReason.CANCELLED
                || reason == CallEndReason.BUSY);
    }
}
