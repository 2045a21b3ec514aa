package dev.parley.client;

import dev.parley.protocol.crypto.Hashes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Files through the public API, between two full clients over the real server. */
class FileTransferTest {
    @TempDir
    Path dir;
    TestNetwork net;

    @AfterEach
    void tearDown() {
        if (net != null) net.close();
    }

    /** File events only, in a queue. */
    static final class Files implements ParleyListener {
        final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();

        @Override
        public void onFileOffered(TransferOffer offer) {
            events.add(offer);
        }

        @Override
        public void onFileCompleted(TransferId id, Direction direction, Path file, String sha256Hex) {
            events.add(new Object[] {"completed", id, direction, file, sha256Hex});
        }

        @Override
        public void onFileDeclined(TransferId id, String reason) {
            events.add(new Object[] {"declined", id, reason});
        }

        @Override
        public void onFileFailed(TransferId id, Direction direction, String reason) {
            events.add(new Object[] {"failed", id, direction, reason});
        }

        <T> T next(Class<T> type) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                Object e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (e == null) throw new AssertionError("no " + type.getSimpleName() + " file event within 30 s");
                if (type.isInstance(e)) return type.cast(e);
            }
        }
    }

    @Test
    void offeredFileIsAcceptedStreamedVerifiedAndSavedInTheDownloadFolder() throws Exception {
        net = new TestNetwork(dir);
        Files fa = new Files(), fb = new Files();
        ParleyClient a = net.client("alice", fa), b = net.client("bob", fb);
        TestNetwork.befriend(a, "alice", b, "bob");
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(content);
        Path source = java.nio.file.Files.write(dir.resolve("holiday photos.bin"), content);

        TransferId id = a.sendFile(b.peerId(), source).get(30, TimeUnit.SECONDS);
        TransferOffer offer = fb.next(TransferOffer.class);
        assertThat(offer.id()).isEqualTo(id);
        assertThat(offer.name()).isEqualTo("holiday photos.bin");
        assertThat(offer.size()).isEqualTo(content.length);
        assertThat(offer.sha256Hex()).isEqualTo(Hashes.hex(Hashes.sha256(content)));
        b.acceptFile(offer.id());

        Object[] done = fb.next(Object[].class);
        assertThat(done[0]).isEqualTo("completed");
        Path saved = (Path) done[3];
        assertThat(saved.getParent()).isEqualTo(b.downloadDir());
        assertThat(java.nio.file.Files.readAllBytes(saved)).isEqualTo(content);
        Object[] senderDone = fa.next(Object[].class);
        assertThat(senderDone[0]).isEqualTo("completed");
        assertThat(b.transfers(a.peerId())).singleElement().satisfies(t -> assertThat(t.state()).isEqualTo(TransferState.COMPLETED));
        try (var files = java.nio.file.Files.list(b.downloadDir())) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".part"))).isEmpty();
        }
    }

    @Test
    void declinedOfferLeavesNoFileAndTellsTheSender() throws Exception {
        net = new TestNetwork(dir);
        Files fa = new Files(), fb = new Files();
        ParleyClient a = net.client("alice", fa), b = net.client("bob", fb);
        TestNetwork.befriend(a, "alice", b, "bob");
        Path source = java.nio.file.Files.writeString(dir.resolve("unwanted.txt"), "no thanks");

        a.sendFile(b.peerId(), source).get(30, TimeUnit.SECONDS);
        b.declineFile(fb.next(TransferOffer.class).id());

        Object[] declined = fa.next(Object[].class);
        assertThat(declined[0]).isEqualTo("declined");
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
