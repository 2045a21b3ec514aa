package dev.parley.client;

import dev.parley.client.ClientEvents.Session;
import dev.parley.server.SignalingServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The path between two peers really drops (Bob is in his own network namespace; blackhole routes cut
 * it both ways) and comes back: the session must recover by a signed ICE restart, not by starting over,
 * and a message sent while the path was down must arrive.
 */
@Tag("native")
class NetworkDropTest {
    @TempDir
    Path dir;
    NetworkNamespace ns;
    SignalingServer server;
    ParleyClient alice;
    Process bob;

    @AfterEach
    void tearDown() throws Exception {
        if (bob != null && bob.isAlive()) bob.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        if (alice != null) alice.close();
        if (server != null) server.close();
        if (ns != null) ns.close();
    }

    @Test
    void sessionRecoversByIceRestartAfterThePathDropsAndMessagesSentMeanwhileArrive() throws Exception {
        ns = new NetworkNamespace();
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort(); // a server off loopback must know the authority clients sign
        }
        server = new SignalingServer(TestNetwork.serverConfig(port).bindAddress("0.0.0.0")
                .publicHosts(List.of(NetworkNamespace.HOST_IP + ":" + port)).build());
        URI uri = URI.create("ws://" + NetworkNamespace.HOST_IP + ":" + server.start().wsPort());
        // Sessions are what this test is about: taken in order, only presence is noise.
        ClientEvents ra = new ClientEvents("alice").ignoringOwnMessages();
        ra.ignoring(ClientEvents.Presence.class);
        alice = ParleyClient.open(ParleyConfig.builder(dir.resolve("alice")).server(uri).build(), ra);
        alice.start();
        ra.expectServer(true);

        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        List<String> cmd = ns.exec(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), PeerProcess.class.getName(),
                dir.resolve("bob").toString(), uri.toString(), alice.contactString("alice").toString()));
        bob = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("bob.err").toFile())).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(bob.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) lines.add(l);
            } catch (Exception ignored) {
                // gone
            }
        });
        reader.setDaemon(true);
        reader.start();
        String ready = awaitLine(lines, "READY ", 60);
        var bobId = alice.addContact(ready.substring(6), "bob").peerId();

        ChatMessage before = alice.send(bobId, "before the drop");
        // Dialing: session states until "connected", and the message sent then delivered;
        // the two streams interleave as the channel and ICE states race.
        java.util.List<String> receipts = new java.util.ArrayList<>();
        boolean connected = false;
        while (!connected || receipts.size() < 2) {
            ClientEvents.Event e = ra.next(Duration.ofSeconds(30));
            if (e instanceof Session x) {
                assertThat(x.peer()).isEqualTo(bobId);
                // Both sides dial (Bob when he sees Alice online), so a glare loser may close here.
                connected |= x.state().equals("connected");
            } else {
                assertThat(e).isInstanceOf(ClientEvents.State.class);
                receipts.add(((ClientEvents.State) e).id().equals(before.id()) ? ((ClientEvents.State) e).state().name() : e.toString());
            }
        }
        assertThat(receipts).containsExactly("SENT", "DELIVERED");
        awaitLine(lines, "RECEIVED 1", 10);

        ns.cut();
        ChatMessage during = alice.send(bobId, "sent while the path is down");
        // Queued on the still-open channel, and the path noticed as down: in whichever order they happen.
        ra.timeout(Duration.ofSeconds(45)).expectInAnyOrder(
                dev.parley.testing.EventRecorder.event("during SENT", e -> e.equals(new ClientEvents.State(during.id(), bobId, MessageState.SENT))),
                dev.parley.testing.EventRecorder.event("reconnecting", e -> e instanceof Session x && x.peer().equals(bobId) && x.state().equals("reconnecting")));
        ns.restore();

        // Recovered in the same session (ICE restart), not by redialing: "connected" again with no "closed"
        // (which would match neither expectation and fail), and the message delivered.
        ra.timeout(Duration.ofSeconds(60)).expectInAnyOrder(
                dev.parley.testing.EventRecorder.event("connected again", e -> e instanceof Session x && x.peer().equals(bobId) && x.state().equals("connected")),
                dev.parley.testing.EventRecorder.event("during DELIVERED", e -> e.equals(new ClientEvents.State(during.id(), bobId, MessageState.DELIVERED))));
        awaitLine(lines, "RECEIVED 2", 10);
        ra.assertExhausted();
    }

    static String awaitLine(LinkedBlockingQueue<String> lines, String prefix, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            String l = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (l == null) throw new AssertionError("no line starting with '" + prefix + "' within " + seconds + " s");
            if (l.startsWith(prefix)) return l;
        }
    }
}
