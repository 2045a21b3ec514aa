package dev.parley.client.internal.store;

import dev.parley.client.internal.store.event.StoreEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** Collects store events; events are delivered synchronously after commit, so no waiting is needed. */
final class EventRecorder implements Consumer<StoreEvent> {
    private final List<StoreEvent> events = new ArrayList<>();

    @Override
    public synchronized void accept(StoreEvent e) {
        events.add(e);
    }

    synchronized <T extends StoreEvent> T take(Class<T> type) {
        assertThat(events).as("events").isNotEmpty();
        StoreEvent e = events.remove(0);
        assertThat(e).isInstanceOf(type);
        return type.cast(e);
    }

    synchronized List<StoreEvent> drain() {
        List<StoreEvent> out = List.copyOf(events);
        events.clear();
        return out;
    }

    synchronized void assertExhausted() {
        assertThat(events).as("unexpected events").isEmpty();
    }
}
