package dev.parley.client.internal.event;

import dev.parley.client.ParleyEvent;

/** Where engines put what the app must hear. Any thread; never blocks; never throws. */
@FunctionalInterface
public interface EventSink {
    void publish(ParleyEvent event);

    /** Drops everything (engine tests that do not look at app events). */
    EventSink NONE = e -> {};
}
