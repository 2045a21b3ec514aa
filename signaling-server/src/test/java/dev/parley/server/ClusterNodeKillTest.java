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

/** A node in its own JVM killed with SIGKILL: its clients come back on another node, presence converges. */
@Tag("native")
class ClusterNodeKillTest extends ClusterSupport {
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
            x.login();
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
            assertThat(x.ws.awaitClose().code()).isIn(1006, -1);

            // y's node hears of the death through the sweeper: x goes offline for y, within the target.
            expectPresence(y, x.id(), false);
            long convergedMs = (System.nanoTime() - killedAt) / 1_000_000;
            assertThat(convergedMs).as("presence convergence after kill -9").isLessThan(5_000);
            y.ws.send(ClusterSupport.offer(x.id(), "while-gone"));
            ErrorMessage e = y.ws.expect(ErrorMessage.class);
            assertThat(e.code()).isEqualTo(ErrorCode.PEER_OFFLINE);

            // x comes back on n2; y sees it online again once x watches it, and relays reach it there.
            TestPeer x2 = TestPeer.connect(uri(n2), xKey, null);
            cleanup.add(x2);
            x2.login();
            x2.ws.send(new Watch(List.of(y.id())));
            expectPresence(x2, y.id(), true);
            expectPresence(y, x.id(), true);
            y.ws.send(ClusterSupport.offer(x.id(), "to-n2"));
            assertThat(x2.ws.expect(Offer.class).id()).isEqualTo("to-n2");
            y.ws.assertExhausted();
            x2.ws.assertExhausted();
        } finally {
            if (n3[0] != null && n3[0].isAlive()) n3[0].destroyForcibly();
        }
    }
}
