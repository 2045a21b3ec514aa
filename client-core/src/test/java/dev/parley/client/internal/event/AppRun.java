package dev.parley.client.internal.event;

import dev.parley.client.ParleyEvent;
import dev.parley.client.ParleyListener;
import dev.parley.client.internal.store.ProfileStore;
import dev.parley.client.internal.time.ManualScheduler;
import dev.parley.protocol.crypto.IdentityKey;

import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** One run of an app over a real profile: the store and the event stream in manual-ack mode, events queued as delivered. */
class AppRun implements AutoCloseable {
    final BlockingQueue<ParleyEvent> events = new LinkedBlockingQueue<>();
    final ProfileStore store;
    final EventStream stream;

    AppRun(Path dir, IdentityKey me, ManualScheduler scheduler) throws Exception {
        store = ProfileStore.open(dir, me, scheduler.clock());
        stream = new EventStream(new ParleyListener() {
            @Override
            public void onEvent(ParleyEvent e) {
                events.add(e);
            }
        }, store, true, scheduler);
        stream.start();
    }

    /** The next stored event (bounded wait). */
    ParleyEvent.Stored next() throws InterruptedException {
        ParleyEvent e = events.poll(10, TimeUnit.SECONDS);
        assertThat(e).as("an event").isInstanceOf(ParleyEvent.Stored.class);
        return (ParleyEvent.Stored) e;
    }

    @Override
    public void close() {
        stream.close();
        store.close();
    }
}
