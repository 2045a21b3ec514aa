package dev.parley.client.internal.transfer;

import dev.parley.client.internal.session.PeerFeature;
import dev.parley.client.internal.session.PeerLink;
import dev.parley.client.internal.store.ProfileStore;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.peer.PeerMessage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** One user for tests: identity, a real SQLite profile, a download folder and a transfer engine; restartable. */
final class Side implements AutoCloseable {
    final String name;
    final IdentityKeyPair key = IdentityKeyPair.generate();
    final PeerId id = key.publicKey().peerId();
    final Path profileDir;
    final Path downloads;
    final TransferConfig config;
    /** Every control message this side received, in order (across restarts). */
    final List<PeerMessage> controlIn = new CopyOnWriteArrayList<>();
    ProfileStore store;
    TransferEngine engine;
    TransferRecorder events;

    Side(String name, Path root, TransferConfig.Tweak tweak) throws IOException {
        this.name = name;
        this.profileDir = root.resolve(name + "-profile");
        this.downloads = root.resolve(name + "-downloads");
        Files.createDirectories(downloads);
        // Fine-grained progress, so a test that acts "mid-transfer" acts before the end on a fast day.
        this.config = tweak.apply(TransferConfig.defaults(downloads).withProgressInterval(java.time.Duration.ofMillis(5)));
        open();
    }

    void open() throws IOException {
        store = ProfileStore.open(profileDir, key.publicKey(), Clock.systemUTC());
        events = new TransferRecorder(name).ignoringProgress(); // progress is asserted through awaitBytes and ignoredHistory
        engine = new TransferEngine(store.transfers(), config, events);
        engine.start();
    }

    void addContact(Side other) {
        if (store.contacts().get(other.id).isEmpty()) {
            store.contacts().add(other.id, other.name);
        }
    }

    /** Closes engine and database, as quitting the app would. */
    void stop() {
        engine.close();
        store.close();
    }

    void restart() throws IOException {
        stop();
        open();
    }

    /** The engine as the session sees it, recording control messages on the way in. */
    PeerFeature feature() {
        TransferEngine e = engine;
        return new PeerFeature() {
            @Override
            public void onLinkUp(PeerLink link) {
                e.onLinkUp(link);
            }

            @Override
            public void onLinkDown(PeerId peer) {
                e.onLinkDown(peer);
            }

            @Override
            public void onControl(PeerId peer, PeerMessage message) {
                controlIn.add(message);
                e.onControl(peer, message);
            }

            @Override
            public void onChannelOpen(PeerId peer, String label) {
                e.onChannelOpen(peer, label);
            }

            @Override
            public void onChannelClosed(PeerId peer, String label) {
                e.onChannelClosed(peer, label);
            }

            @Override
            public void onChannelMessage(PeerId peer, String label, byte[] data, boolean binary) {
                e.onChannelMessage(peer, label, data, binary);
            }
        };
    }

    List<Path> downloadsListing() throws IOException {
        try (var s = Files.list(downloads)) {
            return s.filter(p -> !p.getFileName().toString().equals(BootId.MARKER)).sorted().toList();
        }
    }

    @Override
    public void close() {
        try {
            engine.close();
        } finally {
            store.close();
        }
    }
}
