package dev.parley.client.internal.transfer;

import dev.parley.client.internal.files.FileHash;
import dev.parley.client.internal.rtc.DescriptionVerifier;
import dev.parley.client.internal.rtc.PeerSession;
import dev.parley.client.internal.rtc.RtcConfig;
import dev.parley.client.internal.rtc.RtcRuntime;
import dev.parley.client.TransferId;
import dev.parley.client.internal.transfer.TransferRecorder.Completed;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.peer.FileAccept;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The receiver in a child JVM ({@link ReceiverMain}) with a 64 MiB heap, connected to a sender in this
 * JVM by real peer sessions and a socket for signaling: files larger than the receiver's heap arrive,
 * and a receiver killed with SIGKILL resumes from what it had on disk.
 */
@Tag("native")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TransferProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path tmp;
    private Side alice;
    private RtcRuntime rtc;
    private final List<Child> children = new ArrayList<>();
    private final IdentityKeyPair bobKey = IdentityKeyPair.generate();

    /** A started receiver process, its signaling and the sender's session to it. */
    private final class Child implements AutoCloseable {
        final Process process;
        final ServerSocket server;
        final SocketSignaling signaling;
        final LinkAdapter link;
        final PeerSession session;
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();

        Child(String name) throws Exception {
            server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            server.setSoTimeout((int) WAIT.toMillis());
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx64m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-cp", cp,
                    ReceiverMain.class.getName(), String.valueOf(server.getLocalPort()),
                    tmp.resolve("bob-profile").toString(), tmp.resolve("bob-downloads").toString(),
                    Base64.getEncoder().encodeToString(bobKey.seed()), alice.id.value());
            pb.redirectErrorStream(true).redirectOutput(tmp.resolve(name + ".log").toFile());
            process = pb.start();
            Socket s = server.accept();
            signaling = new SocketSignaling(s);
            link = new LinkAdapter(bobKey.publicKey().peerId(), alice.feature());
            session = rtc.newSession(alice.id.value(), bobKey.publicKey().peerId().value(), signaling,
                    DescriptionVerifier.ACCEPT_ALL, link);
            link.bind(session);
            signaling.connectTo(session);
            signaling.start(events::add);
            awaitEvent(l -> l.equals("ready"));
            session.dial();
            assertThat(link.linkUp.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("link to " + name).isTrue();
        }

        String awaitEvent(Predicate<String> match) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                String e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (e == null || e.equals("eof")) {
                    throw new AssertionError("receiver process: expected event not seen (" + e + ")");
                }
                if (match.test(e)) {
                    return e;
                }
            }
        }

        /** SIGKILL this child (only the process we started), then drop our session as presence would. */
        void kill() throws Exception {
            process.destroyForcibly();
            assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            session.close();
            assertThat(link.linkDown.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        }

        @Override
        public void close() throws Exception {
            try {
                if (process.isAlive()) {
                    signaling.event("bye");
                    if (!process.waitFor(15, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                        process.waitFor(10, TimeUnit.SECONDS);
                    }
                }
            } finally {
                signaling.close();
                server.close();
            }
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Child c : children) {
            c.close();
        }
        if (rtc != null) {
            rtc.close();
        }
        if (alice != null) {
            alice.close();
        }
    }

    private Child start(String name) throws Exception {
        if (alice == null) {
            alice = new Side("alice", tmp, c -> c);
            alice.store.contacts().add(bobKey.publicKey().peerId(), "bob");
            rtc = RtcRuntime.create(RtcConfig.defaults());
        }
        Child c = new Child(name);
        children.add(c);
        return c;
    }

    private Path source(long size) throws IOException {
        return TransferEngineTest.randomFile(Files.createDirectories(tmp.resolve("outbox")), "big.bin", size, 42);
    }

    @Test
    void aFileFourTimesTheReceiversHeapArrivesWhole() throws Exception {
        Child bob = start("bob");
        long size = 256 * MIB;
        Path src = source(size);
        String sha = FileHash.sha256(src, size);
        TransferId id = alice.engine.sendFile(bob.link.peer(), src, null).get(30, TimeUnit.SECONDS);

        long maxSampled = 0;
        String line;
        while (!(line = bob.awaitEvent(l -> l.startsWith("progress") || l.startsWith("completed") || l.startsWith("failed")))
                .startsWith("completed")) {
            assertThat(line).doesNotStartWith("failed");
            maxSampled = Math.max(maxSampled, Long.parseLong(line.split(" ")[2]));
        }
        String[] f = line.split(" ", 4);
        assertThat(f[1]).isEqualTo(sha);
        long peak = Long.parseLong(f[2]);
        Path saved = Path.of(f[3]);
        alice.events.startedCompleted(id, dev.parley.client.Direction.OUTGOING, 0, WAIT);
        alice.events.assertExhausted();
        assertThat(Files.size(saved)).isEqualTo(size);
        assertThat(FileHash.sha256(saved, size)).isEqualTo(sha);
        assertThat(peak).as("receiver's peak heap (-Xmx64m)").isLessThan(64 * MIB);
        System.out.printf("256 MiB into a 64 MiB heap: peak heap %d MiB, max sampled %d MiB%n", peak / MIB, maxSampled / MIB);
    }

    @Test
    void aReceiverKilledHalfwayResumesFromWhatItHadOnDisk() throws Exception {
        Child first = start("bob-1");
        long size = 96 * MIB;
        Path src = source(size);
        String sha = FileHash.sha256(src, size);
        TransferId id = alice.engine.sendFile(first.link.peer(), src, null).get(30, TimeUnit.SECONDS);
        first.awaitEvent(l -> l.startsWith("progress") && Long.parseLong(l.split(" ")[1]) >= size / 2);
        first.kill();
        Path part = tmp.resolve("bob-downloads").resolve(id + ".part");
        long onDisk = Files.size(part);
        assertThat(onDisk).isBetween(size / 2, size - 1);

        Child second = start("bob-2");
        String started = second.awaitEvent(l -> l.startsWith("started"));
        long resumedAt = Long.parseLong(started.split(" ")[2]);
        String done = second.awaitEvent(l -> l.startsWith("completed") || l.startsWith("failed"));
        assertThat(done).startsWith("completed " + sha);
        alice.events.expectNext(TransferRecorder.Started.class, "the first start", x -> x.id().equals(id) && x.offset() == 0, WAIT);
        alice.events.startedCompleted(id, dev.parley.client.Direction.OUTGOING, resumedAt, WAIT);
        alice.events.assertExhausted();

        List<Long> offsets = alice.controlIn.stream().filter(m -> m instanceof FileAccept)
                .map(m -> ((FileAccept) m).offset()).toList();
        assertThat(offsets).containsExactly(0L, resumedAt);
        long resent = onDisk - resumedAt;
        assertThat(resumedAt).isLessThanOrEqualTo(onDisk);
        assertThat(resent).as("bytes the receiver had and got again").isLessThanOrEqualTo(TransferConfig.NATIVE_MAX_MESSAGE_SIZE);
        Path saved = Path.of(done.split(" ", 4)[3]);
        assertThat(FileHash.sha256(saved, size)).isEqualTo(sha);
        assertThat(part).doesNotExist();
        try (var s = Files.list(tmp.resolve("bob-downloads"))) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
        }
        System.out.printf("killed at %d of %d bytes on disk; resumed at %d; resent %d bytes%n", onDisk, size, resumedAt, resent);
    }
}
