package dev.parley.client;

/**
 * An opaque position in a conversation's history: pass it back to get the page of older messages.
 * Stable: messages arriving later never shift pages already seen.
 */
public record HistoryCursor(long position) {
    public HistoryCursor {
        if (position < 1) throw new IllegalArgumentException("not a history cursor");
    }
}
