package dev.parley.server;

import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.signal.ErrorCode;
import dev.parley.protocol.signal.ErrorMessage;
import dev.parley.protocol.signal.Offer;
import dev.parley.protocol.signal.Watch;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node in its own JVM killed with SIGKILL: its clients come back on another node and resume, relays sent
 * to them meanwhile (even those posted to the dead node before its heartbeat expired) are delivered there
 * once, in order, and presence converges.
 */
@Tag("native")
class ClusterNodeKillTest extends ClusterSupport {
    /** How long the first answers of a freshly spawned node JVM may take on a busy box. */
    private static final Duration COLD_JVM = Duration.ofSeconds(20);

    /** Starts {@code parley serve --redis ... --node-id id} in a JVM of its own; returns its WebSocket URI. */
    static URI spawn(Process[] holder, String redisUrl, String id) throws Exception {
        Process p = ServerJvm.start("--redis", redisUrl, "--node-id", id, "--max-connections-per-ip", "1000");
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
            assertThat(x.ws.expect(Offer.class).id()).isEqualTo("to-n3");

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
            await("parked-1 was posted to the dead node's inbox and rescued by the sweep", Duration.ofSeconds(5),
                    () -> Math.max(0, metric(n1, "parley_cluster_events_total{node=\"n1\",event=\"rescued\"}"))
                            + Math.max(0, metric(n2, "parley_cluster_events_total{node=\"n2\",event=\"rescued\"}")) == 1);
            // After the sweep x is parked for its resume grace: relays to it wait (no error), in order.
            y.ws.send(ClusterSupport.offer(x.id(), "parked-2"));
            y.ws.send(ClusterSupport.offer(x.id(), "parked-3"));

            // x comes back on n2 within the grace: resumed, with its watch set; the parked relays follow
            // the welcome once each, in order; then the picture, and y sees x online again.
            TestPeer x2 = TestPeer.connect(uri(n2), xKey, null);
            cleanup.add(x2);
            assertThat(x2.login().resumed()).isTrue();
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
}
