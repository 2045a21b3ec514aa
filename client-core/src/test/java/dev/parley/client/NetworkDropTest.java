package dev.parley.client;

import dev.parley.client.EventRecorder.Server;
import dev.parley.client.EventRecorder.Session;
import dev.parley.client.EventRecorder.State;
import dev.parley.server.SignalingServer;
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
        EventRecorder ra = new EventRecorder();
        alice = ParleyClient.open(ParleyConfig.builder(dir.resolve("alice")).server(uri).build(), ra);
        alice.start();
        ra.await(Server.class, Server::online);

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
        ra.await(State.class, s -> s.id().equals(before.id()) && s.state() == MessageState.DELIVERED, Duration.ofSeconds(30));
        awaitLine(lines, "RECEIVED 1", 10);
        int sessionsBefore = closedSessions(ra);

        ns.cut();
        ChatMessage during = alice.send(bobId, "sent while the path is down");
        ra.await(Session.class, s -> s.peer().equals(bobId) && s.state().equals("reconnecting"), Duration.ofSeconds(45));
        ns.restore();

        ra.await(State.class, s -> s.id().equals(during.id()) && s.state() == MessageState.DELIVERED, Duration.ofSeconds(60));
        awaitLine(lines, "RECEIVED 2", 10);
        assertThat(closedSessions(ra)).as("recovered in the same session (ICE restart), not by redialing")
                .isEqualTo(sessionsBefore);
        List<String> states = new ArrayList<>();
        for (Session s : ra.seen(Session.class)) if (s.peer().equals(bobId)) states.add(s.state());
        assertThat(states).containsSubsequence("connected", "reconnecting", "connected");
    }

    static int closedSessions(EventRecorder r) {
        return (int) r.seen(Session.class).stream().filter(s -> s.state().equals("closed")).count();
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
