package dev.parley.client;

import dev.parley.client.ClientEvents.GroupCallEnded;
import dev.parley.client.ClientEvents.GroupCallJoined;
import dev.parley.client.ClientEvents.GroupCallLeft;
import dev.parley.client.ClientEvents.GroupCallReconnecting;
import dev.parley.client.ClientEvents.GroupCallStarted;
import dev.parley.client.ClientEvents.GroupMemberChanged;
import dev.parley.server.SignalingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One participant's path really drops in a group call: Carol runs in her own JVM in a network
 * namespace, and blackhole routes cut her off (both ways, signaling too). Alice and Bob, on the host,
 * see her reconnecting and keep hearing each other; when the path comes back she is back in the call,
 * and when it does not within the reconnect bound she is reported left ({@code connection-lost}) and
 * the two go on hearing each other.
 */
@Tag("native")
class GroupCallDropTest {
    static final double A_HZ = GroupCallTest.A_HZ, B_HZ = GroupCallTest.B_HZ, C_HZ = GroupCallTest.C_HZ;
    static final int BYTES_PER_S = GroupCallTest.BYTES_PER_S;
    /** A dropped path is noticed by ICE consent checks (seconds), a restored one by an ICE restart. */
    static final Duration PATH_CHANGE = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    NetworkNamespace ns;
    SignalingServer server;
    ParleyClient alice, bob;
    Process carol;

    @AfterEach
    void tearDown() throws Exception {
        if (carol != null && carol.isAlive()) carol.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        if (alice != null) alice.close();
        if (bob != null) bob.close();
        if (server != null) server.close();
        if (ns != null) ns.close();
    }

    @Test
    void aParticipantWhosePathDropsIsReconnectingTheOthersGoOnAndItIsBackOrLeftAfterTheBound() throws Exception {
        ns = new NetworkNamespace();
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort(); // a server off loopback must know the authority clients sign
        }
        server = new SignalingServer(TestNetwork.serverConfig(port).bindAddress("0.0.0.0")
                .publicHosts(List.of(NetworkNamespace.HOST_IP + ":" + port)).build());
        URI uri = URI.create("ws://" + NetworkNamespace.HOST_IP + ":" + server.start().wsPort());
        ClientEvents ra = new ClientEvents("alice").ignoringConnectivity(), rb = new ClientEvents("bob").ignoringConnectivity();
        rb.ignoring(GroupMemberChanged.class); // Carol's add: a change or inside the invitation, by timing
        alice = ParleyClient.open(ParleyConfig.builder(dir.resolve("alice")).server(uri).build(), ra);
        bob = ParleyClient.open(ParleyConfig.builder(dir.resolve("bob")).server(uri).build(), rb);
        alice.start();
        bob.start();
        ra.expectServer(true);
        rb.expectServer(true);
        TestNetwork.befriend(alice, "alice", bob, "bob");

        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        carol = startInNamespace(lines, uri, alice.contactString("alice").toString(), bob.contactString("bob").toString());
        String contact = NetworkDropTest.awaitLine(lines, "READY ", 60).substring(6);
        PeerId c = alice.addContact(contact, "carol").peerId();
        bob.addContact(contact, "carol");

        GroupInfo info = alice.createGroup("Family");
        GroupId g = info.id();
        alice.invite(g, List.of(bob.peerId(), c));
        ra.expectNext(GroupMemberChanged.class, "bob added", e -> e.member().equals(bob.peerId()));
        ra.expectNext(GroupMemberChanged.class, "carol added", e -> e.member().equals(c));
        rb.expectNext(ClientEvents.GroupInvited.class, "bob invited", e -> e.group().equals(g));
        bob.acceptGroup(g);
        NetworkDropTest.awaitLine(lines, "ACCEPTED " + g.value(), 60);
        List<ClientEvents> hosts = List.of(ra, rb);
        Path wa = dir.resolve("alice.wav"), wb = dir.resolve("bob.wav"), wc = dir.resolve("carol.wav");

        CallId id = alice.startGroupCall(g, CallMedia.tone(A_HZ, null).record(wa));
        for (ClientEvents r : hosts) {
            assertThat(r.next(GroupCallStarted.class)).isEqualTo(new GroupCallStarted(g, id, alice.peerId()));
            assertThat(r.next(GroupCallJoined.class)).isEqualTo(new GroupCallJoined(g, id, alice.peerId()));
        }
        bob.joinGroupCall(g, CallMedia.tone(B_HZ, null).record(wb));
        for (ClientEvents r : hosts) assertThat(r.next(GroupCallJoined.class)).isEqualTo(new GroupCallJoined(g, id, bob.peerId()));
        NetworkDropTest.awaitLine(lines, "STARTED " + g.value() + " " + id, 60);
        carol.getOutputStream().write(("JOIN " + g.value() + " " + C_HZ + " " + wc + "\n").getBytes());
        carol.getOutputStream().flush();
        assertThat(NetworkDropTest.awaitLine(lines, "JOINING", 30)).isEqualTo("JOINING " + id);
        for (ClientEvents r : hosts) assertThat(r.next(GroupCallJoined.class)).isEqualTo(new GroupCallJoined(g, id, c));
        awaitSize(wa, Files.size(wa) + 3L * BYTES_PER_S);
        awaitSize(wb, Files.size(wb) + 3L * BYTES_PER_S);

        // The cut: Carol is reconnecting for both (and still counted); Alice and Bob go on.
        ns.cut();
        for (ClientEvents r : hosts) {
            assertThat(r.timeout(PATH_CHANGE).next(GroupCallReconnecting.class)).isEqualTo(new GroupCallReconnecting(g, id, c, true));
        }
        for (ParleyClient p : List.of(alice, bob)) {
            assertThat(p.groupCall(g)).hasValueSatisfying(i -> {
                assertThat(i.participants()).containsExactlyInAnyOrder(alice.peerId(), bob.peerId(), c);
                assertThat(i.reconnecting()).containsExactly(c);
            });
        }
        long duringA = Files.size(wa), duringB = Files.size(wb);
        awaitSize(wa, duringA + 4L * BYTES_PER_S);
        awaitSize(wb, duringB + 4L * BYTES_PER_S);

        // The path comes back: Carol is back for both, in the same call, and heard again (below).
        ns.restore();
        for (ClientEvents r : hosts) {
            assertThat(r.timeout(PATH_CHANGE).next(GroupCallReconnecting.class)).isEqualTo(new GroupCallReconnecting(g, id, c, false));
        }
        for (ParleyClient p : List.of(alice, bob)) {
            assertThat(p.groupCall(g)).hasValueSatisfying(i -> {
                assertThat(i.participants()).containsExactlyInAnyOrder(alice.peerId(), bob.peerId(), c);
                assertThat(i.reconnecting()).isEmpty();
            });
        }
        // Her audio survives the ICE restart on both pairs (docs/calls.md § Audio after an outage).
        long backA = Files.size(wa), backB = Files.size(wb);
        awaitSize(wa, backA + 6L * BYTES_PER_S);
        awaitSize(wb, backB + 6L * BYTES_PER_S);

        // Cut again, for longer than the (shortened) bound: Carol is reported left; the call goes on.
        alice.groupCallReconnectBound(Duration.ofSeconds(5));
        bob.groupCallReconnectBound(Duration.ofSeconds(5));
        ns.cut();
        for (ClientEvents r : hosts) {
            assertThat(r.timeout(PATH_CHANGE).next(GroupCallReconnecting.class)).isEqualTo(new GroupCallReconnecting(g, id, c, true));
            assertThat(r.timeout(Duration.ofSeconds(30)).next(GroupCallLeft.class)).isEqualTo(new GroupCallLeft(g, id, c, "connection-lost"));
        }
        for (ParleyClient p : List.of(alice, bob)) {
            assertThat(p.groupCall(g)).hasValueSatisfying(i -> {
                assertThat(i.participants()).containsExactlyInAnyOrder(alice.peerId(), bob.peerId());
                assertThat(i.reconnecting()).isEmpty();
            });
        }
        long afterA = Files.size(wa);
        awaitSize(wa, afterA + 3L * BYTES_PER_S);
        alice.leaveGroupCall(g);
        for (ClientEvents r : hosts) assertThat(r.next(GroupCallLeft.class)).isEqualTo(new GroupCallLeft(g, id, alice.peerId(), "left"));
        bob.leaveGroupCall(g);
        for (ClientEvents r : hosts) {
            assertThat(r.next(GroupCallLeft.class)).isEqualTo(new GroupCallLeft(g, id, bob.peerId(), "left"));
            assertThat(r.next(GroupCallEnded.class)).isEqualTo(new GroupCallEnded(g, id));
            assertThat(r.next(ClientEvents.GroupCallRecorded.class).record().call()).isEqualTo(id); // the history entry, stored once
            r.assertExhausted();
        }

        GroupCallTest.heardTheOthersNotItself("alice before the cut", wa, 0, A_HZ, B_HZ, C_HZ);
        GroupCallTest.heardOnly("alice during the cut", wa, duringA, A_HZ, B_HZ, C_HZ);
        GroupCallTest.heardOnly("bob during the cut", wb, duringB, B_HZ, A_HZ, C_HZ);
        GroupCallTest.heardOnly("alice after carol left", wa, afterA, A_HZ, B_HZ, C_HZ);
        GroupCallTest.heardTheOthersNotItself("alice after the restore", wa, backA, A_HZ, B_HZ, C_HZ);
        GroupCallTest.heardTheOthersNotItself("bob after the restore", wb, backB, B_HZ, A_HZ, C_HZ);
    }

    /** Carol's JVM, inside the namespace; its stdout lines go to {@code lines}, its stderr to carol.err. */
    private Process startInNamespace(LinkedBlockingQueue<String> lines, URI server, String... contacts) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx160m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), GroupCallPeerProcess.class.getName(),
                dir.resolve("carol").toString(), server.toString()));
        cmd.addAll(List.of(contacts));
        Process p = new ProcessBuilder(ns.exec(cmd)).redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("carol.err").toFile())).start();
        Thread reader = new Thread(() -> {
            try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) lines.add(l);
            } catch (Exception ignored) {
                // gone
            }
        }, "carol-stdout");
        reader.setDaemon(true);
        reader.start();
        return p;
    }

    private static void awaitSize(Path wav, long bytes) throws Exception {
        GroupCallTest.awaitSize(wav, bytes);
    }
}
