package dev.parley.server;

import dev.parley.protocol.crypto.AuthPayload;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.signal.ErrorCode;
import dev.parley.protocol.signal.ErrorMessage;
import dev.parley.protocol.signal.Offer;
import dev.parley.protocol.signal.Presence;
import dev.parley.protocol.signal.Watch;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node in its own JVM killed with SIGKILL: its clients come back on another node and resume, relays sent
 * to them meanwhile (even those posted to the dead node before its heartbeat expired) are delivered there
 * once, in order, and presence converges; relays the dead node had read but not yet written come again after
 * the client's delivery mark (three server JVMs).
 */
@Tag("native")
class ClusterNodeKillTest extends ClusterSupport {
    /** How long the first answers of a freshly spawned node JVM may take on a busy box. */
    private static final Duration COLD_JVM = Duration.ofSeconds(20);

    /** Starts {@code parley serve --redis ... --node-id id} in a JVM of its own; returns its WebSocket URI. */
    static URI spawn(Process[] holder, String redisUrl, String id) throws Exception {
        Process p = ServerJvm.start(nodeArgs(redisUrl, id));
        holder[0] = p;
        return URI.create("ws://127.0.0.1:" + ServerJvm.awaitReady(p, 60, "node " + id + " started").wsPort() + "/");
    }

    @Test
    void killedNodesClientsReconnectElsewhereAndContactsSeeThemGoAndCome() throws Exception {
        SignalingServer n1 = node("n1"), n2 = node("n2");
        Process[] n3 = new Process[1];
        try {
            URI n3uri = spawn(n3, redis.url(), "n3");
            TestPeer y = loggedIn(n1);
            IdentityKeyPair xKey = IdentityKeyPair.generate();
            TestPeer x = TestPeer.connect(n3uri, xKey, null);
            cleanup.add(x);
            x.login(COLD_JVM); // n3's JVM has just started: cold, on a busy box
            x.ws.send(new Watch(List.of(y.id())));
            expectPresence(x, y.id(), false);
            y.ws.send(new Watch(List.of(x.id())));
            expectPresence(y, x.id(), true);
            expectPresence(x, y.id(), true);
            y.ws.send(ClusterSupport.offer(x.id(), "to-n3"));
            Offer toN3 = x.ws.expect(Offer.class);
            assertThat(toN3.id()).isEqualTo("to-n3");
            assertThat(toN3.mark()).as("delivered from n3's inbox, marked").startsWith("n3 ");

            long killedAt = System.nanoTime();
            Process k = new ProcessBuilder("kill", "-9", Long.toString(n3[0].pid())).start();
            assertThat(k.waitFor(5, TimeUnit.SECONDS)).isTrue();
            assertThat(n3[0].waitFor(10, TimeUnit.SECONDS)).isTrue();
            // n3 is dead but its heartbeat has not expired yet (2 s): y's node still posts to n3's inbox,
            // which nobody reads now. The sweep rescues it into x's park instead of losing it.
            y.ws.send(ClusterSupport.offer(x.id(), "parked-1"));
            assertThat(x.ws.awaitClose().code()).isIn(1006, -1);

            // y's node hears of the death through the sweeper: x goes offline for y, within the target.
            expectPresence(y, x.id(), false);
            long convergedMs = (System.nanoTime() - killedAt) / 1_000_000;
            assertThat(convergedMs).as("presence convergence after kill -9").isLessThan(5_000);
            // The sweeping node counts it after its sweep returns (the offline may come first).
            // Two: parked-1, unread, and to-n3, which n3 had read (x's claim drops it: x got it, its mark says so).
            await("parked-1 was posted to the dead node's inbox and rescued by the sweep", Duration.ofSeconds(5),
                    () -> Math.max(0, metric(n1, "parley_cluster_events_total{node=\"n1\",event=\"rescued\"}"))
                            + Math.max(0, metric(n2, "parley_cluster_events_total{node=\"n2\",event=\"rescued\"}")) == 2);
            // After the sweep x is parked for its resume grace: relays to it wait (no error), in order.
            y.ws.send(ClusterSupport.offer(x.id(), "parked-2"));
            y.ws.send(ClusterSupport.offer(x.id(), "parked-3"));

            // x comes back on n2 within the grace: resumed, with its watch set; the parked relays follow
            // the welcome once each, in order; then the picture, and y sees x online again.
            // It returns the mark of the last relay it got on n3: "to-n3", which n3 had read, is not redelivered.
            TestPeer x2 = TestPeer.connect(uri(n2), xKey, null);
            cleanup.add(x2);
            assertThat(x2.login(toN3.mark()).resumed()).isTrue();
            assertThat(x2.ws.expect(Offer.class).id()).isEqualTo("parked-1");
            assertThat(x2.ws.expect(Offer.class).id()).isEqualTo("parked-2");
            assertThat(x2.ws.expect(Offer.class).id()).isEqualTo("parked-3");
            expectPresence(x2, y.id(), true);
            expectPresence(y, x.id(), true);
            y.ws.send(ClusterSupport.offer(x.id(), "to-n2"));
            assertThat(x2.ws.expect(Offer.class).id()).isEqualTo("to-n2");
            // Sentinel both ways: nothing else (no duplicate, no error) came before it.
            x2.ws.send(ClusterSupport.offer(y.id(), "sentinel"));
            assertThat(y.ws.expect(Offer.class).id()).isEqualTo("sentinel");
            y.ws.assertExhausted();
            x2.ws.assertExhausted();
        } finally {
            if (n3[0] != null && n3[0].isAlive()) n3[0].destroyForcibly();
        }
    }

    @Test
    void relaysParkedForAPeerThatDoesNotComeBackAreAnsweredWhenItsGraceEnds() throws Exception {
        // The sweeping nodes (n1, n2) park n3's peers for 3 s.
        SignalingServer n1 = node("n1", b -> b.resumeGrace(Duration.ofSeconds(3)));
        SignalingServer n2 = node("n2", b -> b.resumeGrace(Duration.ofSeconds(3)));
        Process[] n3 = new Process[1];
        try {
            URI n3uri = spawn(n3, redis.url(), "n3");
            TestPeer y = loggedIn(n1);
            IdentityKeyPair xKey = IdentityKeyPair.generate();
            TestPeer x = TestPeer.connect(n3uri, xKey, null);
            cleanup.add(x);
            x.login(COLD_JVM); // n3's JVM has just started: cold, on a busy box
            Process k = new ProcessBuilder("kill", "-9", Long.toString(n3[0].pid())).start();
            assertThat(k.waitFor(5, TimeUnit.SECONDS)).isTrue();
            assertThat(n3[0].waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(x.ws.awaitClose().code()).isIn(1006, -1);
            await("x parked", Duration.ofSeconds(10),
                    () -> Math.max(0, metric(n1, "parley_cluster_events_total{node=\"n1\",event=\"nodes_swept\"}"))
                            + Math.max(0, metric(n2, "parley_cluster_events_total{node=\"n2\",event=\"nodes_swept\"}")) == 1);
            y.ws.send(ClusterSupport.offer(x.id(), "never-1"));
            y.ws.send(ClusterSupport.offer(x.id(), "never-2"));

            // x does not come back: when its grace ends, y hears about each relay, in order (none lost silently).
            for (String ref : List.of("never-1", "never-2")) {
                ErrorMessage e = y.ws.expectWithin(ErrorMessage.class, Duration.ofSeconds(15));
                assertThat(e.code()).isEqualTo(ErrorCode.PEER_OFFLINE);
                assertThat(e.ref()).isEqualTo(ref);
                assertThat(e.message()).contains("resume grace");
            }
            // Too late to resume: a fresh login, with nothing waiting.
            TestPeer x2 = TestPeer.connect(uri(n2), xKey, null);
            cleanup.add(x2);
            assertThat(x2.login().resumed()).isFalse();
            y.ws.send(ClusterSupport.offer(x.id(), "sentinel"));
            assertThat(x2.ws.expect(Offer.class).id()).isEqualTo("sentinel");
            y.ws.assertExhausted();
            x2.ws.assertExhausted();
        } finally {
            if (n3[0] != null && n3[0].isAlive()) n3[0].destroyForcibly();
        }
    }

    /**
     * Offers of the backed-up burst, and their SDP size: together (7.2 MB) more than the socket buffers of a
     * client that stops reading hold (its fixed 64 KiB receive buffer, and at most 4 MiB of send buffer on the
     * node, net.ipv4.tcp_wmem), and more than a park holds (100): what the node had read is kept apart.
     */
    private static final int BURST = 120, SDP_BYTES = 60 * 1024;
    /** Queues and budgets big enough that nothing of the burst is refused (every relay is queued or lost). */
    private static final String[] ROOMY = {"--max-queued-bytes", "16777216", "--max-queued-messages", "4096",
            "--recipient-bytes-per-second", "16777216", "--recipient-messages-per-second", "1000",
            "--messages-per-second", "1000", "--burst", "1000", "--bytes-per-second", "16777216"};

    /**
     * Three server JVMs (n1 the sender's, n3 the receiver's until it is killed, n2 where it comes back) and one
     * Redis. What {@code kill -9} used to lose: relays the dead node had read from its inbox and queued for a client
     * that reads slowly (here: not at all, until after the kill), so they were in the node's memory, not yet in
     * its socket. The client returns the mark of the last relay it got when it logs in elsewhere, and exactly
     * the relays after it come again, once, in order: whether it is back before the sweep (its claim
     * remembers the mark for the sweep) or after it (they were parked with their inbox ids, and the claim
     * drops those up to the mark).
     */
    @ParameterizedTest(name = "back {0} the sweep")
    @ValueSource(strings = {"before", "after"})
    void relaysTheDeadNodeHadReadButNotWrittenComeAgainAfterTheClientsMark(String when) throws Exception {
        Process[] n = new Process[3];
        try {
            for (int i = 0; i < 3; i++) n[i] = ServerJvm.start(nodeArgs(redis.url(), "n" + (i + 1), ROOMY)); // all at once
            ServerJvm.Ready r1 = ServerJvm.awaitReady(n[0], 60, "node n1 started");
            ServerJvm.Ready r2 = ServerJvm.awaitReady(n[1], 60, "node n2 started");
            ServerJvm.Ready r3 = ServerJvm.awaitReady(n[2], 60, "node n3 started");
            TestPeer y = TestPeer.connect(URI.create("ws://127.0.0.1:" + r1.wsPort() + "/"), IdentityKeyPair.generate(), null);
            cleanup.add(y);
            y.login(COLD_JVM);
            IdentityKeyPair xKey = IdentityKeyPair.generate();
            TestPeer x = new TestPeer(xKey, RecordingClient.connect(URI.create("ws://127.0.0.1:" + r3.wsPort() + "/"), null, 64 * 1024),
                    AuthPayload.authority("127.0.0.1", r3.wsPort(), false));
            cleanup.add(x);
            x.login(COLD_JVM);
            y.ws.send(ClusterSupport.offer(x.id(), "warm"));
            assertThat(x.ws.expectWithin(Offer.class, COLD_JVM).mark()).startsWith("n3 ");

            // x stops reading; the burst backs up in the socket buffers and then in n3's outbound queue.
            x.ws.holdReading();
            String sdp = "v=0\r\na=x-pad:" + "p".repeat(SDP_BYTES) + "\r\n";
            for (int i = 0; i < BURST; i++) y.ws.send(new Offer(x.id(), null, "b-" + i, sdp, ServerTestSupport.PROOF));
            String n3metrics = metricsUrl(r3);
            await("n3 queued the whole burst for x", Duration.ofSeconds(20),
                    () -> metric(httpGet(n3metrics), "parley_cluster_events_total{node=\"n3\",event=\"relay_in\"}") == BURST + 1);

            Process k = new ProcessBuilder("kill", "-9", Long.toString(n[2].pid())).start();
            assertThat(k.waitFor(5, TimeUnit.SECONDS)).isTrue();
            assertThat(n[2].waitFor(10, TimeUnit.SECONDS)).isTrue();
            // x reads what had reached the socket buffers, then the end of the connection.
            x.ws.resumeReading();
            assertThat(x.ws.awaitClose().code()).isIn(1006, -1);
            List<String> before = new ArrayList<>();
            String mark = null;
            for (String text = x.ws.received.nextIfAny().orElse(null); text != null; text = x.ws.received.nextIfAny().orElse(null)) {
                Offer o = (Offer) RecordingClient.CODEC.decodeServerStrict(text);
                before.add(o.id());
                mark = o.mark();
            }
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < BURST; i++) missing.add("b-" + i);
            assertThat(missing).as("x got a prefix of the burst, in order").startsWith(before.toArray(String[]::new));
            missing.removeAll(before);
            assertThat(missing).as("part of the burst was still in n3's memory (else this test shows nothing)").isNotEmpty();

            if (when.equals("after")) {
                await("n3 swept and x parked", Duration.ofSeconds(10),
                        () -> Math.max(0, metric(httpGet(metricsUrl(r1)), "parley_cluster_events_total{node=\"n1\",event=\"nodes_swept\"}"))
                                + Math.max(0, metric(httpGet(metricsUrl(r2)), "parley_cluster_events_total{node=\"n2\",event=\"nodes_swept\"}")) == 1);
            }
            TestPeer x2 = TestPeer.connect(URI.create("ws://127.0.0.1:" + r2.wsPort() + "/"), xKey, null);
            cleanup.add(x2);
            assertThat(x2.login(mark).resumed()).as("its binding is taken over, from n3 or from the park").isTrue();
            // The rest of the burst, once each, in order (before the sweep: when it has run, through n2's inbox).
            for (String id : missing) assertThat(x2.ws.expectWithin(Offer.class, Duration.ofSeconds(15)).id()).isEqualTo(id);
            // Unparked: its (empty) watch set is applied afresh after the parked relays, so the picture follows.
            if (when.equals("after")) assertThat(x2.ws.expect(Presence.class).peers()).isEmpty();
            y.ws.send(ClusterSupport.offer(x.id(), "sentinel"));
            assertThat(x2.ws.expect(Offer.class).id()).isEqualTo("sentinel");
            x2.ws.assertExhausted();
            y.ws.send(new dev.parley.protocol.signal.Ping("y-sync"));
            y.ws.expect(dev.parley.protocol.signal.Pong.class);
            y.ws.assertExhausted(); // no error about any of it
        } finally {
            for (Process p : n) if (p != null && p.isAlive()) p.destroyForcibly();
        }
    }

    private static String[] nodeArgs(String redisUrl, String id, String... flags) {
        List<String> args = new ArrayList<>(List.of("--redis", redisUrl, "--node-id", id, "--max-connections-per-ip", "1000"));
        args.addAll(List.of(flags));
        return args.toArray(String[]::new);
    }

    private static String metricsUrl(ServerJvm.Ready r) {
        return "http://127.0.0.1:" + r.httpPort() + "/metrics";
    }

    private static String httpGet(String url) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }
}
