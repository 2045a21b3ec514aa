package dev.parley.client;

import java.util.List;
import java.util.Optional;

/** One page of a conversation, newest first, and the cursor for the next (older) page if there is one. */
public record HistoryPage(List<ChatMessage> items, Optional<HistoryCursor> next) {
    public HistoryPage {
        items = List.copyOf(items);
        java.util.Objects.requireNonNull(next, "next");
    }
}
