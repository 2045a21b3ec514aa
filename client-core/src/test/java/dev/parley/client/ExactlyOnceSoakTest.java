package dev.parley.client;

import dev.parley.client.internal.Ids;
import dev.parley.client.internal.store.ProfileStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acceptance run: 1,000 messages between two clients while the signaling server is
 * restarted and the receiver is killed (SIGKILL, a separate process) and restarted in the middle.
 * Zero lost, zero duplicated, per-sender order kept.
 */
@Tag("native")
class ExactlyOnceSoakTest {
    static final int MESSAGES = 1000;

    @TempDir
    Path dir;
    TestNetwork net;
    Process bob;

    @AfterEach
    void tearDown() {
        if (bob != null && bob.isAlive()) bob.destroyForcibly();
        if (net != null) net.close();
    }

    /** Starts Bob's client as a child JVM and waits for its READY line; returns his contact string. */
    String startBob(String aliceContact, LinkedBlockingQueue<String> lines) throws Exception {
        PeerProcess.Child c = PeerProcess.start(net.profile("bob"), net.uri(), aliceContact, dir.resolve("bob.err"), lines);
        bob = c.process();
        return c.contact();
    }

    static int awaitReceived(LinkedBlockingQueue<String> lines, int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int max = 0;
        while (max < atLeast) {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertThat(line).as("bob reporting message %d", atLeast).isNotNull();
            if (line.startsWith("RECEIVED ")) max = Math.max(max, Integer.parseInt(line.substring(9)));
        }
        return max;
    }

    @Test
    void thousandMessagesSurviveAServerRestartAndAKilledReceiver() throws Exception {
        net = new TestNetwork(dir);
        // A thousand messages' receipts are noise here except the last one's delivery (asserted for all via the store).
        java.util.concurrent.atomic.AtomicReference<MessageId> lastId = new java.util.concurrent.atomic.AtomicReference<>();
        ClientEvents ra = new ClientEvents("alice").ignoringConnectivity().ignoringOwnMessages();
        ra.ignoring("receipts other than the last message's delivery", e -> e instanceof ClientEvents.State s
                && !(s.id().equals(lastId.get()) && s.state().rank() >= MessageState.DELIVERED.rank()));
        ParleyClient alice = net.client("alice", ra);
        ra.expectServer(true);
        LinkedBlockingQueue<String> bobLines = new LinkedBlockingQueue<>();
        String bobContact = startBob(alice.contactString("alice").toString(), bobLines);
        PeerId bobId = alice.addContact(bobContact, "bob").peerId();

        List<ChatMessage> sent = new ArrayList<>();
        for (int i = 1; i <= MESSAGES; i++) {
            ChatMessage m = alice.send(bobId, "message " + i);
            if (i == MESSAGES) lastId.set(m.id());
            sent.add(m);
            if (i == 300) {
                awaitReceived(bobLines, 100); // the conversation is flowing
                int port = net.port;
                net.stopServer();
                ra.expectServer(false);
                net.startServer(port);
            }
            if (i == 600) {
                awaitReceived(bobLines, 400);
                bob.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL mid-stream
                bobLines.clear();
                startBob(alice.contactString("alice").toString(), bobLines);
            }
        }
        ChatMessage last = sent.get(MESSAGES - 1);
        // The server's return and the last delivery race: either order, each once.
        ra.timeout(Duration.ofSeconds(60)).expectInAnyOrder(
                dev.parley.testing.EventRecorder.event("server online again", e -> e instanceof ClientEvents.Server s && s.online()),
                dev.parley.testing.EventRecorder.event("last message delivered", e -> e instanceof ClientEvents.State s && s.id().equals(last.id())));
        for (ChatMessage m : sent) {
            assertThat(alice.message(m.id()).orElseThrow().state().rank()).as("state of seq %d", m.seq())
                    .isGreaterThanOrEqualTo(MessageState.DELIVERED.rank());
        }

        bob.getOutputStream().close(); // asks Bob to exit cleanly
        assertThat(bob.waitFor(30, TimeUnit.SECONDS)).isTrue();
        try (ProfileStore store = ProfileStore.open(net.profile("bob"), dev.parley.client.internal.identity.IdentityStore
                .load(net.profile("bob").resolve("identity.json")).publicKey(), Clock.systemUTC())) {
            List<ChatMessage> received = new ArrayList<>();
            HistoryPage page = store.messages().history(Ids.wire(alice.peerId()), null, 300);
            while (true) {
                received.addAll(page.items());
                if (page.next().isEmpty()) break;
                page = store.messages().history(Ids.wire(alice.peerId()), page.next().get(), 300);
            }
            assertThat(received).hasSize(MESSAGES);
            Set<MessageId> ids = new HashSet<>();
            for (ChatMessage m : received) assertThat(ids.add(m.id())).as("duplicate %s", m.id()).isTrue();
            // History is newest first in storage order: per-sender order means seqs descend 1000..1.
            for (int i = 0; i < MESSAGES; i++) {
                assertThat(received.get(i).seq()).isEqualTo(MESSAGES - i);
                assertThat(received.get(i).text()).isEqualTo("message " + (MESSAGES - i));
            }
        }
    }
}
