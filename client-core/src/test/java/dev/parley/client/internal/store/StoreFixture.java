package dev.parley.client.internal.store;

import dev.parley.protocol.crypto.IdentityKeyPair;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** A real profile database in a temp directory, reopenable to simulate a restart. */
final class StoreFixture implements AutoCloseable {
    final Path dir;
    final SettableClock clock = new SettableClock(1_700_000_000_000L);
    final IdentityKeyPair me = IdentityKeyPair.generate();
    final EventRecorder events = new EventRecorder();
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
