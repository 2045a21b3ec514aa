package dev.parley.client;

import dev.parley.client.ClientEvents.Session;
import dev.parley.server.SignalingServer;
import dev.parley.testing.EventRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 1:1 call whose path really drops: Bob runs in his own JVM in a network namespace, blackhole routes
 * cut him off both ways (media, data channel and signaling), and the path comes back. The call must
 * survive in the same session (recovered by ICE restart) and its audio must flow again both ways: each
 * side hears the other's tone after the restore and the inbound RTP counters grow again on both sides.
 */
@Tag("native")
class CallDropTest {
    static final double ALICE_HZ = 1000, BOB_HZ = 750;
    static final int BYTES_PER_S = 48_000 * 2;
    /** A dropped path is noticed by ICE consent checks (seconds), a restored one by an ICE restart. */
    static final Duration PATH_CHANGE = Duration.ofSeconds(60);

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
    void aCallSurvivesAPathDropAndItsAudioFlowsAgainBothWaysAfterTheIceRestart() throws Exception {
        ns = new NetworkNamespace();
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort(); // a server off loopback must know the authority clients sign
        }
        server = new SignalingServer(TestNetwork.serverConfig(port).bindAddress("0.0.0.0")
                .publicHosts(List.of(NetworkNamespace.HOST_IP + ":" + port)).build());
        URI uri = URI.create("ws://" + NetworkNamespace.HOST_IP + ":" + server.start().wsPort());
        // The session's states and the call's events are what this test is about; stats are read on demand.
        ClientEvents ra = new ClientEvents("alice");
        ra.ignoring(ClientEvents.Presence.class, ClientEvents.CallStats.class);
        alice = ParleyClient.open(ParleyConfig.builder(dir.resolve("alice")).server(uri).build(), ra);
        alice.start();
        ra.expectServer(true);

        Path aliceHeard = dir.resolve("alice-heard.wav"), bobHeard = dir.resolve("bob-heard.wav");
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        List<String> stats = new java.util.concurrent.CopyOnWriteArrayList<>();
        bob = startInNamespace(lines, stats, uri, alice.contactString("alice").toString(), aliceHeard, bobHeard);
        String ready = NetworkDropTest.awaitLine(lines, "READY ", 60);
        PeerId bobId = alice.addContact(ready.substring(6), "bob").peerId();

        CallId id = alice.call(bobId, CallMedia.tone(ALICE_HZ, null).record(aliceHeard)).toCompletableFuture().get(60, TimeUnit.SECONDS);
        // Dialing connects first: session states (both sides dial when they see each other online, so a
        // glare loser may close) come before the call's events, which are in order.
        List<String> calls = new ArrayList<>();
        while (calls.size() < 2) {
            ClientEvents.Event e = ra.next(Duration.ofSeconds(30));
            if (e instanceof Session x) {
                assertThat(x.peer()).isEqualTo(bobId);
            } else if (e instanceof ClientEvents.CallDialing d) {
                assertThat(d).isEqualTo(new ClientEvents.CallDialing(id, bobId));
                calls.add("dialing");
            } else if (e instanceof ClientEvents.CallAnswered a) {
                assertThat(a.id()).isEqualTo(id);
                assertThat(calls).containsExactly("dialing");
                calls.add("answered");
            } else {
                throw new AssertionError("alice: unexpected " + e);
            }
        }
        assertThat(NetworkDropTest.awaitLine(lines, "ANSWERED ", 30)).isEqualTo("ANSWERED " + id);
        awaitSize(aliceHeard, 44 + 3L * BYTES_PER_S);
        awaitSize(bobHeard, 44 + 3L * BYTES_PER_S);

        // The cut: both sides notice (ICE consent), and the call goes on (reconnecting, not ended).
        ns.cut();
        ra.timeout(PATH_CHANGE).expectNext(Session.class, "alice: bob reconnecting",
                x -> x.peer().equals(bobId) && x.state().equals("reconnecting"));
        awaitLine(lines, "SESSION reconnecting", PATH_CHANGE);
        long aliceAtCut = Files.size(aliceHeard);
        // Long enough for an ICE restart: past the disconnected grace (3 s) the restart offer is made and
        // waits in the cut signaling path. The recordings go on (silence) meanwhile, so their length
        // measures the outage; a recording that stops means the call ended (e.g. the media watchdog).
        try {
            awaitSize(aliceHeard, aliceAtCut + 8L * BYTES_PER_S);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; alice's next event: " + ra.nextIfAny(), e);
        }

        // The path comes back: the same session recovers (ICE restart; a redial would show "closed" first).
        ns.restore();
        ra.timeout(PATH_CHANGE).expectNext(Session.class, "alice: bob connected again",
                x -> x.peer().equals(bobId) && x.state().equals("connected"));
        awaitLine(lines, "SESSION connected", PATH_CHANGE);
        long aliceAtRestore = Files.size(aliceHeard), bobAtRestore = Files.size(bobHeard);
        long aliceReceivedAtRestore = alice.callStats().map(CallStats::packetsReceived).orElse(0L);
        long bobReceivedAtRestore = lastReceived(stats);

        // Audio flows again both ways: 8 s more of each recording, in which each hears the other's tone.
        // (A recording that stops growing is a remote track no longer fed: docs/calls.md § Audio after an outage.)
        java.util.function.Supplier<String> counters = () -> "alice received " + aliceReceivedAtRestore + " -> "
                + alice.callStats().map(CallStats::packetsReceived).orElse(-1L) + " (sent "
                + alice.callStats().map(CallStats::packetsSent).orElse(-1L) + "); bob's stats (sent received) "
                + stats.subList(Math.max(0, stats.size() - 12), stats.size());
        try {
            awaitSize(aliceHeard, aliceAtRestore + 8L * BYTES_PER_S);
            awaitSize(bobHeard, bobAtRestore + 8L * BYTES_PER_S);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; " + counters.get(), e);
        }
        assertThat(alice.callStats()).as("alice's inbound RTP after the restore: %s", counters.get()).hasValueSatisfying(
                s -> assertThat(s.packetsReceived()).isGreaterThan(aliceReceivedAtRestore + 100));
        assertThat(lastReceived(stats)).as("bob's inbound RTP after the restore: %s", counters.get()).isGreaterThan(bobReceivedAtRestore + 100);

        String after = counters.get();
        alice.hangUp(id);
        CallRecord r = ra.next(ClientEvents.CallEnded.class).record();
        assertThat(r.reason()).as("the call survived the drop: %s", r).isEqualTo(CallEndReason.COMPLETED);
        assertThat(NetworkDropTest.awaitLine(lines, "ENDED ", 30)).isEqualTo("ENDED COMPLETED");
        ra.assertExhausted();

        // The recordings are complete WAV files once their calls ended.
        heard("alice before the cut", aliceHeard, 0, BOB_HZ, ALICE_HZ);
        heard("bob before the cut", bobHeard, 0, ALICE_HZ, BOB_HZ);
        heard("alice after the restore (" + after + ")", aliceHeard, aliceAtRestore, BOB_HZ, ALICE_HZ);
        heard("bob after the restore (" + after + ")", bobHeard, bobAtRestore, ALICE_HZ, BOB_HZ);
    }

    /**
     * Over 2 s starting at the first window with the other's tone at or after byte {@code fromByte} (and
     * within 5 s of it): that tone in ≥ 80 % of windows, our own tone in none.
     */
    static void heard(String who, Path wav, long fromByte, double heard, double own) throws Exception {
        ToneAnalysis t = ToneAnalysis.read(wav);
        int perS = 1_000 / ToneAnalysis.WINDOW_MS;
        int from = (int) (Math.max(0, fromByte - 44) / (BYTES_PER_S * ToneAnalysis.WINDOW_MS / 1000));
        int first = -1;
        for (int w = from; w < Math.min(t.windows(), from + 5 * perS) && first < 0; w++) if (t.toneIn(w, heard)) first = w;
        assertThat(first).as("%s: the %.0f Hz tone within 5 s of window %d; %s", who, heard, from,
                t.perSecond(heard, own)).isGreaterThanOrEqualTo(0);
        int n = 2 * perS;
        assertThat(first + n).as("%s: 2 s recorded", who).isLessThanOrEqualTo(t.windows());
        ToneAnalysis.Coverage c = t.coverage(heard, first, n);
        assertThat(c.fraction()).as("%s hears %.0f Hz from window %d: %s", who, heard, first, c).isGreaterThanOrEqualTo(0.8);
        for (int w = first; w < first + n; w++) {
            assertThat(t.purity(w, own)).as("%s: own %.0f Hz in window %d", who, own, w).isLessThanOrEqualTo(0.05);
        }
    }

    private static long lastReceived(List<String> stats) {
        return stats.isEmpty() ? 0 : Long.parseLong(stats.get(stats.size() - 1).split(" ")[2]);
    }

    private static void awaitLine(LinkedBlockingQueue<String> lines, String line, Duration wait) throws InterruptedException {
        String got = NetworkDropTest.awaitLine(lines, line, (int) wait.toSeconds());
        assertThat(got).isEqualTo(line);
    }

    /** Bob's JVM, inside the namespace: answers Alice's call with his tone and records her. */
    private Process startInNamespace(LinkedBlockingQueue<String> lines, List<String> stats, URI server, String contact,
                                     Path aliceHeard, Path bobHeard) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), CallPeerProcess.class.getName(),
                dir.resolve("bob").toString(), server.toString(), contact, Double.toString(BOB_HZ), bobHeard.toString());
        Process p = new ProcessBuilder(ns.exec(cmd)).redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("bob.err").toFile())).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    if (l.startsWith("STATS ")) stats.add(l); // about once a second: kept aside, not a step
                    else lines.add(l);
                }
            } catch (Exception ignored) {
                // gone
            }
        }, "bob-stdout");
        reader.setDaemon(true);
        reader.start();
        return p;
    }

    private static void awaitSize(Path wav, long bytes) throws Exception {
        GroupCallTest.awaitSize(wav, bytes);
    }
}
