package dev.parley.client.internal.store;

import dev.parley.client.internal.store.event.StoreEvent;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.testing.EventRecorder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;

/** A real profile database in a temp directory, reopenable to simulate a restart. */
final class StoreFixture implements AutoCloseable {
    final Path dir;
    final SettableClock clock = new SettableClock(1_700_000_000_000L);
    final IdentityKeyPair me = IdentityKeyPair.generate();
    /** Store events are delivered synchronously after commit, so the recorder never waits. */
    final EventRecorder<StoreEvent> events = new EventRecorder<StoreEvent>("store").timeout(Duration.ZERO);
    ProfileStore store;

    StoreFixture(Path dir) {
        this.dir = dir;
        open();
    }

    void open() {
        try {
            store = ProfileStore.open(dir, me.publicKey(), clock);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        store.database().addListener(events);
    }

    /** Closes and reopens the database, as a restart of the app would. */
    void restart() {
        store.close();
        open();
    }

    ContactStore contacts() {
        return store.contacts();
    }

    MessageStore messages() {
        return store.messages();
    }

    TransferStore transfers() {
        return store.transfers();
    }

    @Override
    public void close() {
        store.close();
    }
}
