package dev.parley.client.internal.transfer;

import dev.parley.client.internal.files.FileHash;
import dev.parley.client.internal.Ids;
import dev.parley.client.TransferOffer;
import dev.parley.client.TransferProgress;
import dev.parley.client.Direction;
import dev.parley.client.Transfer;
import dev.parley.client.TransferId;
import dev.parley.client.TransferState;
import dev.parley.client.internal.transfer.TransferRecorder.Cancelled;
import dev.parley.client.internal.transfer.TransferRecorder.Event;
import dev.parley.testing.EventRecorder;
import dev.parley.client.internal.transfer.TransferRecorder.Completed;
import dev.parley.client.internal.transfer.TransferRecorder.Declined;
import dev.parley.client.internal.transfer.TransferRecorder.Failed;
import dev.parley.client.internal.transfer.TransferRecorder.Offered;
import dev.parley.client.internal.transfer.TransferRecorder.Progress;
import dev.parley.client.internal.transfer.TransferRecorder.Started;
import dev.parley.protocol.peer.FileAccept;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static dev.parley.client.internal.transfer.Pair.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/** Two real engines over real webrtc-java sessions in one JVM, real SQLite, real files. */
@Tag("native")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TransferEngineTest {

    @TempDir
    Path tmp;
    private Pair pair;

    @AfterEach
    void tearDown() throws Exception {
        if (pair != null) {
            pair.close();
        }
    }

    static Path randomFile(Path dir, String name, long size, long seed) throws IOException {
        Path f = dir.resolve(name);
        Random r = new Random(seed);
        byte[] buf = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(f)) {
            for (long left = size; left > 0; ) {
                r.nextBytes(buf);
                int n = (int) Math.min(buf.length, left);
                out.write(buf, 0, n);
                left -= n;
            }
        }
        return f;
    }

    private Path outbox() throws IOException {
        return Files.createDirectories(tmp.resolve("outbox"));
    }

    private static void assertNoPartFiles(Side s) throws IOException {
        assertThat(s.downloadsListing()).as(s.name + "'s download folder").noneMatch(p -> p.toString().endsWith(".part"));
    }

    @Test
    void offeredFileIsAcceptedStreamedVerifiedAndSavedUnderItsName() throws Exception {
        pair = new Pair(tmp);
        pair.connect();
        Path src = randomFile(outbox(), "report.pdf", 3 * 1024 * 1024 + 12345, 1);
        String sha = FileHash.sha256(src, Files.size(src));

        TransferId id = pair.alice.engine.sendFile(pair.bob.id, src, "application/pdf").get(10, TimeUnit.SECONDS);
        Offered offered = pair.bob.events.next(Offered.class, WAIT);
        assertThat(offered.offer()).isEqualTo(new TransferOffer(id, Ids.app(pair.alice.id), "report.pdf", Files.size(src),
                "application/pdf", sha));
        assertThat(pair.bob.store.transfers().get(id).orElseThrow().state()).isEqualTo(TransferState.OFFERED);

        pair.bob.engine.accept(id);
        Completed atBob = pair.bob.events.startedCompleted(id, Direction.INCOMING, 0, WAIT);
        Completed atAlice = pair.alice.events.startedCompleted(id, Direction.OUTGOING, 0, WAIT);

        assertThat(atBob.file()).isEqualTo(pair.bob.downloads.toRealPath().resolve("report.pdf"));
        assertThat(atBob.sha256()).isEqualTo(sha);
        assertThat(Files.mismatch(src, atBob.file())).isEqualTo(-1);
        assertThat(atAlice.direction()).isEqualTo(Direction.OUTGOING);
        assertNoPartFiles(pair.bob);
        Transfer rec = pair.bob.store.transfers().get(id).orElseThrow();
        assertThat(rec.state()).isEqualTo(TransferState.COMPLETED);
        assertThat(rec.verifiedOffset()).isEqualTo(Files.size(src));
        assertThat(pair.bob.store.transfers().partPath(id)).contains(atBob.file().toString());
        assertThat(pair.alice.store.transfers().get(id).orElseThrow().state()).isEqualTo(TransferState.COMPLETED);
        List<TransferProgress> progress = pair.bob.events.ignoredHistory(Progress.class).stream()
                .filter(e -> e instanceof Progress).map(e -> ((Progress) e).p()).toList();
        assertThat(progress).isNotEmpty();
        assertThat(progress.get(progress.size() - 1).bytes()).isEqualTo(Files.size(src));
        assertThat(progress).extracting(TransferProgress::bytes).isSorted();
        assertThat(pair.bob.events.threads()).allMatch(t -> t.startsWith("parley-transfer-control"));

        // The same name again never overwrites: "report (1).pdf".
        TransferId second = pair.alice.engine.sendFile(pair.bob.id, src, "application/pdf").get(10, TimeUnit.SECONDS);
        pair.bob.events.expectNext(Offered.class, "o.offer().id().equals(second)", o -> o.offer().id().equals(second), WAIT);
        pair.bob.engine.accept(second);
        Completed again = pair.bob.events.startedCompleted(second, Direction.INCOMING, 0, WAIT);
        assertThat(again.file().getFileName().toString()).isEqualTo("report (1).pdf");
        assertThat(Files.mismatch(src, atBob.file())).isEqualTo(-1);
        pair.alice.events.startedCompleted(second, Direction.OUTGOING, 0, WAIT);
        pair.bob.events.assertExhausted();
        pair.alice.events.assertExhausted();
    }

    @Test
    void emptyFileAndAutoAcceptWithinTheCapOnly() throws Exception {
        pair = new Pair(tmp);
        pair.bob.engine.autoAccept().allow(pair.alice.id, 1024 * 1024);
        pair.connect();
        Path empty = Files.createFile(outbox().resolve("empty.txt"));
        Path big = randomFile(outbox(), "big.bin", 1024 * 1024 + 1, 2);

        TransferId e = pair.alice.engine.sendFile(pair.bob.id, empty, "text/plain").get(10, TimeUnit.SECONDS);
        // Nothing to stream: offered and at once complete, with no start.
        pair.bob.events.expectNext(Offered.class, "offer of the empty file", o -> o.offer().id().equals(e), WAIT);
        Completed done = pair.bob.events.next(Completed.class, WAIT);
        assertThat(done.id()).isEqualTo(e);
        assertThat(Files.size(done.file())).isZero();
        assertThat(pair.alice.events.next(Completed.class, WAIT).id()).isEqualTo(e);

        TransferId b = pair.alice.engine.sendFile(pair.bob.id, big, null).get(10, TimeUnit.SECONDS);
        Offered o = pair.bob.events.expectNext(Offered.class, "x.offer().id().equals(b)", x -> x.offer().id().equals(b), WAIT);
        assertThat(o.offer().mediaType()).isEqualTo("application/octet-stream");
        // Over the cap: it waits for the user. Declining ends it on both sides.
        assertThat(pair.bob.store.transfers().get(b).orElseThrow().state()).isEqualTo(TransferState.OFFERED);
        pair.bob.engine.decline(b);
        Declined declined = pair.alice.events.next(Declined.class, WAIT);
        assertThat(declined.id()).isEqualTo(b);
        assertThat(declined.reason()).isEqualTo("declined");
        pair.alice.events.assertExhausted();
        assertThat(pair.alice.store.transfers().get(b).orElseThrow().state()).isEqualTo(TransferState.REJECTED);
        assertThat(pair.bob.store.transfers().get(b).orElseThrow().state()).isEqualTo(TransferState.REJECTED);
        assertThat(pair.bob.downloadsListing()).extracting(p -> p.getFileName().toString()).containsExactly("empty.txt");
    }

    @Test
    void cancelFromTheSenderAndFromTheReceiverLeavesNoFile() throws Exception {
        pair = new Pair(tmp);
        pair.bob.engine.autoAccept().allow(pair.alice.id, Long.MAX_VALUE);
        pair.connect();
        Path src = randomFile(outbox(), "movie.mkv", 32 * 1024 * 1024, 3);

        TransferId first = pair.alice.engine.sendFile(pair.bob.id, src, "video/x-matroska").get(10, TimeUnit.SECONDS);
        pair.alice.events.expectNext(Started.class, "s.id().equals(first)", s -> s.id().equals(first), WAIT);
        pair.alice.engine.cancel(first);
        Cancelled atAlice = pair.alice.events.next(Cancelled.class, WAIT);
        pair.bob.events.expectNext(Offered.class, "offer of the first", o -> o.offer().id().equals(first), WAIT);
        pair.bob.events.expectNext(Started.class, "start of the first", x -> x.id().equals(first), WAIT);
        Cancelled atBob = pair.bob.events.next(Cancelled.class, WAIT);
        assertThat(atAlice.byPeer()).isFalse();
        assertThat(atBob.byPeer()).isTrue();
        assertThat(atBob.id()).isEqualTo(first);

        TransferId second = pair.alice.engine.sendFile(pair.bob.id, src, "video/x-matroska").get(10, TimeUnit.SECONDS);
        pair.bob.events.expectNext(Offered.class, "offer of the second", o -> o.offer().id().equals(second), WAIT);
        pair.bob.events.expectNext(Started.class, "s.id().equals(second)", s -> s.id().equals(second), WAIT);
        pair.bob.engine.cancel(second);
        Cancelled bobSide = pair.bob.events.expectNext(Cancelled.class, "c.id().equals(second)", c -> c.id().equals(second), WAIT);
        pair.alice.events.expectNext(Started.class, "start of the second", x -> x.id().equals(second), WAIT);
        Cancelled aliceSide = pair.alice.events.expectNext(Cancelled.class, "c.id().equals(second)", c -> c.id().equals(second), WAIT);
        pair.alice.events.assertExhausted();
        pair.bob.events.assertExhausted();
        assertThat(bobSide.byPeer()).isFalse();
        assertThat(aliceSide.byPeer()).isTrue();

        for (TransferId id : List.of(first, second)) {
            assertThat(pair.bob.store.transfers().get(id).orElseThrow().state()).isEqualTo(TransferState.CANCELLED);
            assertThat(pair.alice.store.transfers().get(id).orElseThrow().state()).isEqualTo(TransferState.CANCELLED);
            assertThat(pair.bob.events.count(Completed.class, id)).isZero();
        }
        assertThat(pair.bob.downloadsListing()).isEmpty();
    }

    @Test
    void corruptedDataFailsTheHashCheckAndKeepsNothing() throws Exception {
        pair = new Pair(tmp);
        pair.connect();
        Path src = randomFile(outbox(), "data.bin", 2 * 1024 * 1024 + 7, 4);
        TransferId id = pair.alice.engine.sendFile(pair.bob.id, src, null).get(10, TimeUnit.SECONDS);
        pair.bob.events.next(Offered.class, WAIT);
        try (RandomAccessFile f = new RandomAccessFile(src.toFile(), "rw")) { // one byte changes after the offer
            f.seek(1_000_000);
            int b = f.read();
            f.seek(1_000_000);
            f.write(b ^ 0x40);
        }
        pair.bob.engine.accept(id);
        pair.bob.events.next(Started.class, WAIT);
        Failed atBob = pair.bob.events.next(Failed.class, WAIT);
        pair.alice.events.next(Started.class, WAIT);
        Failed atAlice = pair.alice.events.next(Failed.class, WAIT);
        assertThat(atBob.reason()).isEqualTo("sha256-mismatch");
        assertThat(atAlice.reason()).isEqualTo("sha256-mismatch");
        assertThat(pair.bob.downloadsListing()).isEmpty();
        assertThat(pair.bob.store.transfers().get(id).orElseThrow().state()).isEqualTo(TransferState.FAILED);
        assertThat(pair.alice.store.transfers().get(id).orElseThrow().state()).isEqualTo(TransferState.FAILED);
    }

    @Test
    void severalTransfersAtOnceInBothDirections() throws Exception {
        pair = new Pair(tmp);
        pair.alice.engine.autoAccept().allow(pair.bob.id, Long.MAX_VALUE);
        pair.bob.engine.autoAccept().allow(pair.alice.id, Long.MAX_VALUE);
        pair.connect();
        Path a1 = randomFile(outbox(), "a1.bin", 9 * 1024 * 1024 + 1, 5);
        Path a2 = randomFile(outbox(), "a2.bin", 5 * 1024 * 1024 + 3, 6);
        Path b1 = randomFile(outbox(), "b1.bin", 7 * 1024 * 1024 + 5, 7);
        var f1 = pair.alice.engine.sendFile(pair.bob.id, a1, null);
        var f2 = pair.alice.engine.sendFile(pair.bob.id, a2, null);
        var f3 = pair.bob.engine.sendFile(pair.alice.id, b1, null);
        TransferId t1 = f1.get(10, TimeUnit.SECONDS);
        TransferId t2 = f2.get(10, TimeUnit.SECONDS);
        TransferId t3 = f3.get(10, TimeUnit.SECONDS);
        // Three transfers interleave: each side sees every one's events exactly once, in any order.
        List<Event> atBob = pair.bob.events.expectInAnyOrder(all(List.of(t1, t2), List.of(t3)));
        List<Event> atAlice = pair.alice.events.expectInAnyOrder(all(List.of(t3), List.of(t1, t2)));
        assertThat(Files.mismatch(a1, completion(atBob, t1))).isEqualTo(-1);
        assertThat(Files.mismatch(a2, completion(atBob, t2))).isEqualTo(-1);
        assertThat(Files.mismatch(b1, completion(atAlice, t3))).isEqualTo(-1);
        pair.bob.events.assertExhausted();
        pair.alice.events.assertExhausted();
    }

    /** Offer, start and completion of each incoming transfer; start and completion of each outgoing one. */
    static List<EventRecorder.Expectation<Event>> all(List<TransferId> incoming, List<TransferId> outgoing) {
        List<EventRecorder.Expectation<Event>> out = new java.util.ArrayList<>();
        for (TransferId t : incoming) {
            out.add(EventRecorder.event("offer " + t, e -> e instanceof Offered o && o.offer().id().equals(t)));
            out.add(EventRecorder.event("incoming start " + t, e -> e instanceof Started x && x.id().equals(t) && x.direction() == Direction.INCOMING));
            out.add(EventRecorder.event("incoming completion " + t, e -> e instanceof Completed c && c.id().equals(t)));
        }
        for (TransferId t : outgoing) {
            out.add(EventRecorder.event("outgoing start " + t, e -> e instanceof Started x && x.id().equals(t) && x.direction() == Direction.OUTGOING));
            out.add(EventRecorder.event("outgoing completion " + t, e -> e instanceof Completed c && c.id().equals(t)));
        }
        return out;
    }

    static Path completion(List<Event> events, TransferId id) {
        return events.stream().filter(e -> e instanceof Completed c && c.id().equals(id)).map(e -> ((Completed) e).file()).findFirst().orElseThrow();
    }

    @Test
    void linkLossPausesAndTheReceiverResumesFromWhatItHas() throws Exception {
        pair = new Pair(tmp);
        pair.bob.engine.autoAccept().allow(pair.alice.id, Long.MAX_VALUE);
        pair.connect();
        long size = 48L * 1024 * 1024;
        Path src = randomFile(outbox(), "resume.bin", size, 8);
        TransferId id = pair.alice.engine.sendFile(pair.bob.id, src, null).get(10, TimeUnit.SECONDS);
        pair.bob.events.awaitBytes(size / 4, WAIT);
        pair.disconnect();
        assertThat(pair.bob.events.count(Completed.class, id)).isZero();
        long partLength = Files.size(pair.bob.downloads.resolve(id + ".part"));
        assertThat(partLength).isLessThan(size);

        pair.connect();
        pair.bob.events.expectNext(Offered.class, "the offer", o -> o.offer().id().equals(id), WAIT);
        pair.bob.events.expectNext(Started.class, "the start", x -> x.id().equals(id) && x.offset() == 0, WAIT);
        Started again = pair.bob.events.expectNext(Started.class, "the resume", x -> x.id().equals(id) && x.offset() > 0, WAIT);
        Completed done = pair.bob.events.next(Completed.class, WAIT);
        pair.alice.events.expectNext(Started.class, "the start", x -> x.id().equals(id) && x.offset() == 0, WAIT);
        pair.alice.events.startedCompleted(id, Direction.OUTGOING, again.offset(), WAIT);
        pair.bob.events.assertExhausted();
        pair.alice.events.assertExhausted();
        assertThat(Files.mismatch(src, done.file())).isEqualTo(-1);
        List<Long> offsets = pair.alice.controlIn.stream().filter(m -> m instanceof FileAccept)
                .map(m -> ((FileAccept) m).offset()).toList();
        assertThat(offsets).hasSize(2);
        assertThat(offsets.get(0)).isZero();
        // Same process: everything written before the loss (frames still queued at the loss included)
        // is kept, so the resume starts at or after what was on disk when the link went.
        assertThat(offsets.get(1)).isGreaterThanOrEqualTo(partLength).isLessThan(size);
        assertNoPartFiles(pair.bob);
    }

    @Test
    void eitherSideRestartingResumesFromTheStore() throws Exception {
        pair = new Pair(tmp, c -> c.withCheckpoint(1L << 20, java.time.Duration.ofMillis(200)));
        pair.bob.engine.autoAccept().allow(pair.alice.id, Long.MAX_VALUE);
        pair.connect();
        long size = 40L * 1024 * 1024;
        Path src = randomFile(outbox(), "restart.bin", size, 9);
        TransferId id = pair.alice.engine.sendFile(pair.bob.id, src, null).get(10, TimeUnit.SECONDS);

        pair.bob.events.awaitBytes(size / 4, WAIT);
        pair.disconnect();
        pair.bob.restart(); // the receiver quits and starts again
        assertThat(pair.bob.store.transfers().get(id).orElseThrow().state()).isEqualTo(TransferState.PAUSED);
        long afterBobRestart = pair.bob.store.transfers().get(id).orElseThrow().verifiedOffset();
        assertThat(afterBobRestart).isPositive();
        pair.connect();
        Started resumed = pair.bob.events.next(Started.class, WAIT);
        assertThat(resumed.offset()).isGreaterThanOrEqualTo(afterBobRestart);

        pair.bob.events.awaitBytes(size * 2 / 3, WAIT);
        pair.disconnect();
        pair.alice.restart(); // now the sender
        pair.connect();
        pair.bob.events.next(Started.class, WAIT); // resumed again after the sender's restart
        Completed done = pair.bob.events.next(Completed.class, WAIT);
        pair.alice.events.next(Started.class, WAIT);
        pair.alice.events.next(Completed.class, WAIT);
        pair.bob.events.assertExhausted();
        pair.alice.events.assertExhausted();
        assertThat(Files.mismatch(src, done.file())).isEqualTo(-1);
        assertThat(pair.alice.store.transfers().get(id).orElseThrow().state()).isEqualTo(TransferState.COMPLETED);
        assertNoPartFiles(pair.bob);
    }

    @Test
    void afterAnOsCrashOnlyTheFsyncedPrefixIsTrusted() throws Exception {
        pair = new Pair(tmp, c -> c.withCheckpoint(1L << 20, java.time.Duration.ofMillis(200)));
        pair.bob.engine.autoAccept().allow(pair.alice.id, Long.MAX_VALUE);
        pair.connect();
        long size = 48L * 1024 * 1024;
        Path src = randomFile(outbox(), "crash.bin", size, 10);
        TransferId id = pair.alice.engine.sendFile(pair.bob.id, src, null).get(10, TimeUnit.SECONDS);
        pair.bob.events.awaitBytes(size / 3, WAIT);
        pair.disconnect();
        assertThat(pair.bob.events.count(Completed.class, id)).as("still unfinished when the link went").isZero();
        pair.bob.stop();
        // Simulate a reboot that lost unsynced writes: another boot id, and junk after what was written.
        Files.writeString(pair.bob.downloads.resolve(BootId.MARKER), "some-other-boot");
        Path part = pair.bob.downloads.resolve(id + ".part");
        try (RandomAccessFile f = new RandomAccessFile(part.toFile(), "rw")) {
            f.seek(f.length());
            f.write(new byte[4096]);
        }
        pair.bob.open();
        long verified = pair.bob.store.transfers().get(id).orElseThrow().verifiedOffset();
        assertThat(verified).isPositive().isLessThan(Files.size(part));
        pair.connect();
        Started resumed = pair.bob.events.next(Started.class, WAIT);
        assertThat(resumed.offset()).isEqualTo(verified);
        Completed done = pair.bob.events.next(Completed.class, WAIT);
        assertThat(Files.mismatch(src, done.file())).isEqualTo(-1);
    }
}
