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
 * One participant's path really drops in a group call of four: Carol runs in her own JVM in a network
 * namespace, and blackhole routes cut her off (both ways, signaling too). Alice, Bob and Dave, on the
 * host, see her reconnecting and keep hearing each other (each the other two); when the path comes back
 * she is back in the call, and when it does not within the reconnect bound she is reported left
 * ({@code connection-lost}) and the three go on hearing each other.
 */
@Tag("native")
class GroupCallDropTest {
    static final double A_HZ = ToneAnalysis.participantTone(0), B_HZ = ToneAnalysis.participantTone(1),
            C_HZ = ToneAnalysis.participantTone(2), D_HZ = ToneAnalysis.participantTone(3);
    static final int BYTES_PER_S = GroupCallTest.BYTES_PER_S;
    /** A dropped path is noticed by ICE consent checks (seconds), a restored one by an ICE restart. */
    static final Duration PATH_CHANGE = Duration.ofSeconds(60);
    /** How long after a member is first heard the "hears the other three" checks start (see the end of the drop test). */
    private static final Duration SETTLE = Duration.ofSeconds(1);

    @TempDir
    Path dir;
    NetworkNamespace ns;
    SignalingServer server;
    ParleyClient alice, bob, dave;
    Process carol;

    @AfterEach
    void tearDown() throws Exception {
        if (carol != null && carol.isAlive()) carol.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        if (alice != null) alice.close();
        if (bob != null) bob.close();
        if (dave != null) dave.close();
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
        ClientEvents ra = new ClientEvents("alice").ignoringConnectivity(), rb = new ClientEvents("bob").ignoringConnectivity(),
                rd = new ClientEvents("dave").ignoringConnectivity();
        rb.ignoring(GroupMemberChanged.class); // the others' adds: a change or inside the invitation, by timing
        rd.ignoring(GroupMemberChanged.class);
        alice = ParleyClient.open(ParleyConfig.builder(dir.resolve("alice")).server(uri).build(), ra);
        bob = ParleyClient.open(ParleyConfig.builder(dir.resolve("bob")).server(uri).build(), rb);
        dave = ParleyClient.open(ParleyConfig.builder(dir.resolve("dave")).server(uri).build(), rd);
        List<ParleyClient> onHost = List.of(alice, bob, dave);
        List<ClientEvents> hosts = List.of(ra, rb, rd);
        for (ParleyClient p : onHost) p.start();
        for (ClientEvents r : hosts) r.expectServer(true);
        GroupTest.befriendAll(List.of("alice", "bob", "dave"), onHost);

        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        carol = startInNamespace(lines, uri, alice.contactString("alice").toString(), bob.contactString("bob").toString(),
                dave.contactString("dave").toString());
        String contact = NetworkDropTest.awaitLine(lines, "READY ", 60).substring(6);
        PeerId c = alice.addContact(contact, "carol").peerId();
        bob.addContact(contact, "carol");
        dave.addContact(contact, "carol");

        GroupInfo info = alice.createGroup("Family");
        GroupId g = info.id();
        alice.invite(g, List.of(bob.peerId(), c, dave.peerId()));
        ra.expectNext(GroupMemberChanged.class, "bob added", e -> e.member().equals(bob.peerId()));
        ra.expectNext(GroupMemberChanged.class, "carol added", e -> e.member().equals(c));
        ra.expectNext(GroupMemberChanged.class, "dave added", e -> e.member().equals(dave.peerId()));
        for (ClientEvents r : List.of(rb, rd)) r.expectNext(ClientEvents.GroupInvited.class, "invited", e -> e.group().equals(g));
        bob.acceptGroup(g);
        dave.acceptGroup(g);
        NetworkDropTest.awaitLine(lines, "ACCEPTED " + g.value(), 60);
        Path wa = dir.resolve("alice.wav"), wb = dir.resolve("bob.wav"), wc = dir.resolve("carol.wav"), wd = dir.resolve("dave.wav");

        CallId id = alice.startGroupCall(g, CallMedia.tone(A_HZ, null).record(wa));
        for (ClientEvents r : hosts) {
            assertThat(r.next(GroupCallStarted.class)).isEqualTo(new GroupCallStarted(g, id, alice.peerId()));
            assertThat(r.next(GroupCallJoined.class)).isEqualTo(new GroupCallJoined(g, id, alice.peerId()));
        }
        bob.joinGroupCall(g, CallMedia.tone(B_HZ, null).record(wb));
        for (ClientEvents r : hosts) assertThat(r.next(GroupCallJoined.class)).isEqualTo(new GroupCallJoined(g, id, bob.peerId()));
        dave.joinGroupCall(g, CallMedia.tone(D_HZ, null).record(wd));
        for (ClientEvents r : hosts) assertThat(r.next(GroupCallJoined.class)).isEqualTo(new GroupCallJoined(g, id, dave.peerId()));
        NetworkDropTest.awaitLine(lines, "STARTED " + g.value() + " " + id, 60);
        carol.getOutputStream().write(("JOIN " + g.value() + " " + C_HZ + " " + wc + "\n").getBytes());
        carol.getOutputStream().flush();
        assertThat(NetworkDropTest.awaitLine(lines, "JOINING", 30)).isEqualTo("JOINING " + id);
        for (ClientEvents r : hosts) assertThat(r.next(GroupCallJoined.class)).isEqualTo(new GroupCallJoined(g, id, c));
        for (Path w : List.of(wa, wb, wd)) awaitSize(w, Files.size(w) + 5L * BYTES_PER_S); // Carol's audio starts, 1 s to settle, 2 s of all

        // The cut: Carol is reconnecting for the three (and still counted); Alice, Bob and Dave go on.
        ns.cut();
        for (ClientEvents r : hosts) {
            assertThat(r.timeout(PATH_CHANGE).next(GroupCallReconnecting.class)).isEqualTo(new GroupCallReconnecting(g, id, c, true));
        }
        for (ParleyClient p : onHost) {
            assertThat(p.groupCall(g)).hasValueSatisfying(i -> {
                assertThat(i.participants()).containsExactlyInAnyOrder(alice.peerId(), bob.peerId(), c, dave.peerId());
                assertThat(i.reconnecting()).containsExactly(c);
            });
        }
        long duringA = Files.size(wa), duringB = Files.size(wb), duringD = Files.size(wd);
        awaitSize(wa, duringA + 4L * BYTES_PER_S);
        awaitSize(wb, duringB + 4L * BYTES_PER_S);
        awaitSize(wd, duringD + 4L * BYTES_PER_S);

        // The path comes back: Carol is back for the three, in the same call, and heard again (below).
        ns.restore();
        for (ClientEvents r : hosts) {
            assertThat(r.timeout(PATH_CHANGE).next(GroupCallReconnecting.class)).isEqualTo(new GroupCallReconnecting(g, id, c, false));
        }
        for (ParleyClient p : onHost) {
            assertThat(p.groupCall(g)).hasValueSatisfying(i -> {
                assertThat(i.participants()).containsExactlyInAnyOrder(alice.peerId(), bob.peerId(), c, dave.peerId());
                assertThat(i.reconnecting()).isEmpty();
            });
        }
        // Her audio survives the ICE restart on both pairs (docs/calls.md § Audio after an outage).
        long backA = Files.size(wa), backB = Files.size(wb), backD = Files.size(wd);
        awaitSize(wa, backA + 6L * BYTES_PER_S);
        awaitSize(wb, backB + 6L * BYTES_PER_S);
        awaitSize(wd, backD + 6L * BYTES_PER_S);

        // Cut again, for longer than the (shortened) bound: Carol is reported left; the call goes on.
        for (ParleyClient p : onHost) p.groupCallReconnectBound(Duration.ofSeconds(5));
        ns.cut();
        for (ClientEvents r : hosts) {
            assertThat(r.timeout(PATH_CHANGE).next(GroupCallReconnecting.class)).isEqualTo(new GroupCallReconnecting(g, id, c, true));
            assertThat(r.timeout(Duration.ofSeconds(30)).next(GroupCallLeft.class)).isEqualTo(new GroupCallLeft(g, id, c, "connection-lost"));
        }
        for (ParleyClient p : onHost) {
            assertThat(p.groupCall(g)).hasValueSatisfying(i -> {
                assertThat(i.participants()).containsExactlyInAnyOrder(alice.peerId(), bob.peerId(), dave.peerId());
                assertThat(i.reconnecting()).isEmpty();
            });
        }
        long afterA = Files.size(wa), afterB = Files.size(wb), afterD = Files.size(wd);
        awaitSize(wa, afterA + 3L * BYTES_PER_S);
        awaitSize(wb, afterB + 3L * BYTES_PER_S);
        awaitSize(wd, afterD + 3L * BYTES_PER_S);
        for (ParleyClient p : onHost) {
            p.leaveGroupCall(g);
            for (ClientEvents r : hosts) assertThat(r.next(GroupCallLeft.class)).isEqualTo(new GroupCallLeft(g, id, p.peerId(), "left"));
        }
        for (ClientEvents r : hosts) {
            assertThat(r.next(GroupCallEnded.class)).isEqualTo(new GroupCallEnded(g, id));
            assertThat(r.next(ClientEvents.GroupCallRecorded.class).record().call()).isEqualTo(id); // the history entry, stored once
            r.assertExhausted();
        }

        // Before the cut, and again after the restore, each host hears the other three (from SETTLE after all three
        // are first heard: CI once saw Bob's tone gap 300 ms at Alice while Carol's JVM was still setting up); during the cut, and
        // after Carol was reported left, the other two and neither itself nor Carol. Measured (2026-12-02, 2 loaded cores):
        // three tones in the mix, each share median 0.33, minimum 0.11 (coverage 0.95-1.00 against 0.9 at
        // inMixOf(3) = 0.2); two tones, median 0.50, minimum 0.49; own tone and Carol's during the cut at
        // most 0.0004 (against 0.05).
        GroupCallTest.heardTheOthersAfterSettling("alice before the cut", wa, 0, SETTLE, A_HZ, B_HZ, C_HZ, D_HZ);
        GroupCallTest.heardTheOthersAfterSettling("bob before the cut", wb, 0, SETTLE, B_HZ, A_HZ, C_HZ, D_HZ);
        GroupCallTest.heardTheOthersAfterSettling("dave before the cut", wd, 0, SETTLE, D_HZ, A_HZ, B_HZ, C_HZ);
        GroupCallTest.heardOnly("alice during the cut", wa, duringA, new double[] {B_HZ, D_HZ}, A_HZ, C_HZ);
        GroupCallTest.heardOnly("bob during the cut", wb, duringB, new double[] {A_HZ, D_HZ}, B_HZ, C_HZ);
        GroupCallTest.heardOnly("dave during the cut", wd, duringD, new double[] {A_HZ, B_HZ}, D_HZ, C_HZ);
        GroupCallTest.heardTheOthersAfterSettling("alice after the restore", wa, backA, SETTLE, A_HZ, B_HZ, C_HZ, D_HZ);
        GroupCallTest.heardTheOthersAfterSettling("bob after the restore", wb, backB, SETTLE, B_HZ, A_HZ, C_HZ, D_HZ);
        GroupCallTest.heardTheOthersAfterSettling("dave after the restore", wd, backD, SETTLE, D_HZ, A_HZ, B_HZ, C_HZ);
        GroupCallTest.heardOnly("alice after carol left", wa, afterA, new double[] {B_HZ, D_HZ}, A_HZ, C_HZ);
        GroupCallTest.heardOnly("bob after carol left", wb, afterB, new double[] {A_HZ, D_HZ}, B_HZ, C_HZ);
        GroupCallTest.heardOnly("dave after carol left", wd, afterD, new double[] {A_HZ, B_HZ}, D_HZ, C_HZ);
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
