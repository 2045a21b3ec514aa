package dev.parley.client;

import dev.parley.client.ClientEvents.Message;
import dev.parley.server.SignalingServer;
import dev.parley.testing.RedisProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real clients on two cluster nodes that share one real Redis (docs/server.md § Cluster): Alice logs in
 * at node A, Bob at node B; they see each other online, chat both ways with receipts, and make a call
 * whose offer, answer and candidates all cross between the nodes. The other cluster tests drive the
 * wire with raw signaling clients; this one is the library, WebRTC and SQLite end to end.
 */
@Tag("native")
class ClusterClientsTest {
    @TempDir
    Path dir;
    final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    private URI node(RedisProcess redis, String id) throws Exception {
        SignalingServer s = new SignalingServer(TestNetwork.serverConfig(0).redis(redis.url()).nodeId(id).build());
        open.add(s);
        return URI.create("ws://127.0.0.1:" + s.start().wsPort());
    }

    private ParleyClient client(String name, URI server, ParleyListener l) throws Exception {
        ParleyClient c = ParleyClient.open(ParleyConfig.builder(dir.resolve(name)).server(server).build(), l);
        open.add(c);
        c.start();
        return c;
    }

    @Test
    void clientsOnDifferentNodesChatAndCallAsOnOne() throws Exception {
        RedisProcess redis = new RedisProcess(); // started
        open.add(redis);
        URI a = node(redis, "node-a"), b = node(redis, "node-b");
        ClientEvents ra = CallTest.calls("alice"), rb = CallTest.calls("bob");
        ParleyClient alice = client("alice", a, ra), bob = client("bob", b, rb);
        ra.expectServer(true);
        rb.expectServer(true);
        TestNetwork.befriend(alice, "alice", bob, "bob");

        // Chat: the first message also dials the session, whose signaling crosses the nodes.
        ChatMessage hi = alice.send(bob.peerId(), "hi bob, from node A");
        Message got = rb.expectMessage(hi.id());
        assertThat(got.message().text()).isEqualTo("hi bob, from node A");
        ChatTest.sentAndDelivered(ra, hi);
        ChatMessage back = bob.send(alice.peerId(), "hi alice, from node B");
        assertThat(ra.expectMessage(back.id()).message().text()).isEqualTo("hi alice, from node B");
        ChatTest.sentAndDelivered(rb, back);
        assertThat(alice.isOnline(bob.peerId())).as("presence across nodes").isTrue();
        assertThat(bob.isOnline(alice.peerId())).isTrue();

        // A call: renegotiation on the session, again through both nodes.
        Path recording = dir.resolve("bob-heard.wav");
        CallId id = alice.call(bob.peerId(), CallMedia.tone(1000, null)).toCompletableFuture().get(40, TimeUnit.SECONDS);
        assertThat(ra.next(ClientEvents.CallDialing.class)).isEqualTo(new ClientEvents.CallDialing(id, bob.peerId()));
        assertThat(rb.next(ClientEvents.CallRinging.class)).isEqualTo(new ClientEvents.CallRinging(id, alice.peerId()));
        bob.answerCall(id, CallMedia.devices().record(recording));
        assertThat(ra.next(ClientEvents.CallAnswered.class).id()).isEqualTo(id);
        assertThat(rb.next(ClientEvents.CallAnswered.class).id()).isEqualTo(id);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (Files.size(recording) < 44 + 2 * 48_000 * 2) { // the recording's size is the only signal of audio written
            if (System.nanoTime() > deadline) throw new AssertionError("Bob's recording did not reach 2 s within 20 s");
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
        }
        alice.hangUp(id);
        assertThat(ra.next(ClientEvents.CallEnded.class).record().reason()).isEqualTo(CallEndReason.COMPLETED);
        assertThat(rb.next(ClientEvents.CallEnded.class).record().reason()).isEqualTo(CallEndReason.COMPLETED);
        ToneAnalysis heard = ToneAnalysis.read(recording);
        assertThat(heard.firstToneWindow(1000)).as("Alice's tone reached Bob across the nodes' signaling").isGreaterThanOrEqualTo(0);

        ChatTest.nothingElse(alice, ra, bob, rb);
    }
}
