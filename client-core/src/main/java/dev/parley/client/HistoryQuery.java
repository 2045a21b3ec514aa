package dev.parley.client;

import java.util.Objects;

/**
 * Which messages of a conversation to read, and in which direction to page: {@link #newestFirst()}
 * pages back from {@code before} (null: the newest), {@link #oldestFirst()} pages forward from
 * {@code after} (null: the oldest). Optional filters keep only one {@link Direction} and/or messages
 * at or beyond a {@link MessageState} (e.g. READ), where later states rank higher.
 */
public record HistoryQuery(boolean forward, HistoryCursor from, Direction direction, MessageState atLeast, int limit) {
    public HistoryQuery {
        if (limit < 1 || limit > 1000) throw new IllegalArgumentException("limit must be 1..1000, was " + limit);
    }

    /** Newest first, from the newest message, 50 per page. */
    public static HistoryQuery newestFirst() {
        return new HistoryQuery(false, null, null, null, 50);
    }

    /** Oldest first, from the oldest message, 50 per page. */
    public static HistoryQuery oldestFirst() {
        return new HistoryQuery(true, null, null, null, 50);
    }

    /** Continue from a cursor a previous page returned (older pages when newest first, newer when oldest first). */
    public HistoryQuery from(HistoryCursor cursor) {
        return new HistoryQuery(forward, cursor, direction, atLeast, limit);
    }

    public HistoryQuery direction(Direction d) {
        return new HistoryQuery(forward, from, Objects.requireNonNull(d), atLeast, limit);
    }

    public HistoryQuery atLeast(MessageState state) {
        return new HistoryQuery(forward, from, direction, Objects.requireNonNull(state), limit);
    }

    public HistoryQuery limit(int n) {
        return new HistoryQuery(forward, from, direction, atLeast, n);
    }
}
