package dev.parley.client;

import dev.parley.protocol.crypto.Hashes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Files through the public API, between two full clients over the real server. Each side's events are
 * taken in order and the window is closed by a sentinel chat message, so a duplicate completion fails.
 */
@Tag("native")
class FileTransferTest {
    @TempDir
    Path dir;
    TestNetwork net;

    @AfterEach
    void tearDown() {
        if (net != null) net.close();
    }

    /** File and chat events in order; progress and connectivity are this test's declared noise. */
    static ClientEvents files(String name) {
        ClientEvents r = new ClientEvents(name).ignoringConnectivity();
        r.ignoring(ClientEvents.FileProgress.class);
        return r;
    }

    @Test
    void offeredFileIsAcceptedStreamedVerifiedAndSavedInTheDownloadFolder() throws Exception {
        net = new TestNetwork(dir);
        ClientEvents fa = files("alice"), fb = files("bob");
        ParleyClient a = net.client("alice", fa), b = net.client("bob", fb);
        fa.expectServer(true);
        fb.expectServer(true);
        TestNetwork.befriend(a, "alice", b, "bob");
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(content);
        Path source = java.nio.file.Files.write(dir.resolve("holiday photos.bin"), content);

        TransferId id = a.sendFile(b.peerId(), source).get(30, TimeUnit.SECONDS);
        TransferOffer offer = fb.next(ClientEvents.FileOffered.class).offer();
        assertThat(offer.id()).isEqualTo(id);
        assertThat(offer.name()).isEqualTo("holiday photos.bin");
        assertThat(offer.size()).isEqualTo(content.length);
        assertThat(offer.sha256Hex()).isEqualTo(Hashes.hex(Hashes.sha256(content)));
        b.acceptFile(offer.id());

        assertThat(fb.next(ClientEvents.FileStarted.class)).isEqualTo(new ClientEvents.FileStarted(id, Direction.INCOMING, 0));
        ClientEvents.FileCompleted done = fb.next(ClientEvents.FileCompleted.class);
        assertThat(done.id()).isEqualTo(id);
        assertThat(done.sha256Hex()).isEqualTo(offer.sha256Hex());
        Path saved = done.file();
        assertThat(saved.getParent()).isEqualTo(b.downloadDir());
        assertThat(java.nio.file.Files.readAllBytes(saved)).isEqualTo(content);
        assertThat(fa.next(ClientEvents.FileStarted.class)).isEqualTo(new ClientEvents.FileStarted(id, Direction.OUTGOING, 0));
        assertThat(fa.next(ClientEvents.FileCompleted.class).id()).isEqualTo(id);
        ChatTest.nothingElse(a, fa, b, fb);
        assertThat(b.transfers(a.peerId())).singleElement().satisfies(t -> assertThat(t.state()).isEqualTo(TransferState.COMPLETED));
        try (var files = java.nio.file.Files.list(b.downloadDir())) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".part"))).isEmpty();
        }
    }

    @Test
    void declinedOfferLeavesNoFileAndTellsTheSender() throws Exception {
        net = new TestNetwork(dir);
        ClientEvents fa = files("alice"), fb = files("bob");
        ParleyClient a = net.client("alice", fa), b = net.client("bob", fb);
        fa.expectServer(true);
        fb.expectServer(true);
        TestNetwork.befriend(a, "alice", b, "bob");
        Path source = java.nio.file.Files.writeString(dir.resolve("unwanted.txt"), "no thanks");

        a.sendFile(b.peerId(), source).get(30, TimeUnit.SECONDS);
        TransferOffer offer = fb.next(ClientEvents.FileOffered.class).offer();
        b.declineFile(offer.id());
        assertThat(fb.next(ClientEvents.FileDeclined.class).id()).isEqualTo(offer.id()); // Bob's own view of it

        assertThat(fa.next(ClientEvents.FileDeclined.class).id()).isEqualTo(offer.id());
        ChatTest.nothingElse(a, fa, b, fb);
        try (var files = java.nio.file.Files.list(b.downloadDir())) {
            assertThat(files.filter(p -> !p.getFileName().toString().startsWith("."))).isEmpty();
        }
    }

    @Test
    void sendingAMissingFileFailsClearlyAtOnce() throws Exception {
        net = new TestNetwork(dir);
        ParleyClient a = net.client("alice", null), b = net.client("bob", null);
        TestNetwork.befriend(a, "alice", b, "bob");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> a.sendFile(b.peerId(), dir.resolve("nope.txt")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no such file");
    }
}
