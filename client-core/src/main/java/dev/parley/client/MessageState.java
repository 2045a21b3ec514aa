package dev.parley.client;

/**
 * Where a message is in its life. Outgoing: PENDING → SENT → DELIVERED → READ. Incoming:
 * RECEIVED → READ. A message's state only ever moves forward in this order; a late or repeated
 * receipt never moves it back.
 */
public enum MessageState {
    /** Stored and queued in the outbox; not yet handed to a connection. */
    PENDING(0),
    /** Handed to a connection; still in the outbox until the peer acknowledges it. */
    SENT(1),
    /** The peer stored it (acknowledged or delivery receipt); out of the outbox. */
    DELIVERED(2),
    /** Incoming message stored here, not yet shown as read. */
    RECEIVED(3),
    /** Read: by the peer (outgoing) or by the user (incoming). */
    READ(4);

    private final int rank;

    MessageState(int rank) {
        this.rank = rank;
    }

    /** A stable number that orders states; stored in the database, so never renumber. */
    public int rank() {
        return rank;
    }

    public boolean validFor(Direction d) {
        return switch (this) {
            case PENDING, SENT, DELIVERED -> d == Direction.OUTGOING;
            case RECEIVED -> d == Direction.INCOMING;
            case READ -> true;
        };
    }

    public static MessageState ofRank(int rank) {
        for (MessageState s : values()) if (s.rank == rank) return s;
        throw new IllegalArgumentException("unknown message state rank " + rank);
    }
}
