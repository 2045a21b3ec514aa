package dev.parley.client.internal.signaling;

import dev.parley.client.internal.time.Scheduler;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.signal.Offer;
import dev.parley.protocol.signal.SdpProof;
import dev.parley.protocol.signal.Welcome;
import dev.parley.server.ServerConfig;
import dev.parley.server.SignalingServer;
import dev.parley.testing.RedisProcess;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A client given several server URLs moves to the next one when its server goes away. */
class SignalingClientFailoverTest {
    @Test
    void aLostServerIsReplacedByTheNextUrl() throws Exception {
        ServerConfig cfg = ServerConfig.builder().bindAddress("127.0.0.1").port(0).httpPort(-1)
                .reconnectAfter(Duration.ofMillis(100)).shutdownTimeout(Duration.ofMillis(500)).build();
        SignalingServer s1 = new SignalingServer(cfg), s2 = new SignalingServer(cfg);
        URI u1 = URI.create("ws://127.0.0.1:" + s1.start().wsPort());
        URI u2 = URI.create("ws://127.0.0.1:" + s2.start().wsPort());
        IdentityKeyPair key = IdentityKeyPair.generate();
        SignalingEvents r = new SignalingEvents("A");
        try (SignalingClient c = new SignalingClient(List.of(u1, u2), key, r, null, Scheduler.system())) {
            c.start();
            assertThat(r.next(Welcome.class).peerId()).isEqualTo(key.publicKey().peerId());
            assertThat(c.server()).isEqualTo(u1);
            s1.close();
            assertThat(r.next(String.class)).startsWith("offline ");
            Welcome w = r.next(Welcome.class);
            assertThat(w.peerId()).isEqualTo(key.publicKey().peerId());
            assertThat(c.server()).isEqualTo(u2);
            assertThat(c.state()).isEqualTo(SignalingState.ONLINE);
            r.assertExhausted();
        } finally {
            s1.close();
            s2.close();
        }
    }

    /**
     * A cluster node advertises the others' public URLs in welcome: a client given only node A's URL
     * learns B's from A, and when A goes away it comes back on B.
     */
    @Test
    void aClientGivenOneNodeLearnsTheOthersFromWelcomeAndFailsOverToThem() throws Exception {
        try (RedisProcess redis = new RedisProcess()) {
            int bPort;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                bPort = probe.getLocalPort(); // B's URL must be known before it starts, to be advertised
            }
            URI bUrl = URI.create("ws://127.0.0.1:" + bPort + "/");
            ServerConfig.ServerConfigBuilder base = ServerConfig.builder().bindAddress("127.0.0.1").httpPort(-1).redis(redis.url())
                    .reconnectAfter(Duration.ofMillis(100)).shutdownTimeout(Duration.ofMillis(500));
            // B first: A's first heartbeat (in start) then sees B alive with its URL.
            SignalingServer b = new SignalingServer(base.port(bPort).nodeId("b").publicUrl(bUrl.toString()).build());
            b.start();
            SignalingServer a = new SignalingServer(base.port(0).nodeId("a").publicUrl(null).build());
            URI aUrl = URI.create("ws://127.0.0.1:" + a.start().wsPort());
            IdentityKeyPair key = IdentityKeyPair.generate();
            SignalingEvents r = new SignalingEvents("A");
            try (SignalingClient c = new SignalingClient(List.of(aUrl), key, r, null, Scheduler.system())) {
                c.start();
                Welcome w = r.next(Welcome.class);
                assertThat(w.nodes()).containsExactly(bUrl.toString());
                assertThat(c.servers()).containsExactly(aUrl, bUrl);
                assertThat(c.server()).isEqualTo(aUrl);

                a.close();
                assertThat(r.next(String.class)).startsWith("offline ");
                Welcome onB = r.next(Welcome.class);
                assertThat(onB.peerId()).isEqualTo(key.publicKey().peerId());
                assertThat(c.server()).isEqualTo(bUrl);
                assertThat(c.state()).isEqualTo(SignalingState.ONLINE);
                assertThat(onB.nodes()).as("A advertised no URL of its own").isNull();
                assertThat(c.servers()).containsExactly(aUrl, bUrl);
                r.assertExhausted();
            } finally {
                a.close();
                b.close();
            }
        }
    }

    /**
     * A relay that came through a cluster node's inbox carries a delivery mark; the client sends the last one
     * back in its next auth (to whichever node), so a node taking over from a dead one redelivers only after it.
     */
    @Test
    void theLastDeliveryMarkReceivedGoesBackInTheNextAuth() throws Exception {
        try (RedisProcess redis = new RedisProcess()) {
            ServerConfig.ServerConfigBuilder base = ServerConfig.builder().bindAddress("127.0.0.1").port(0).httpPort(-1).redis(redis.url())
                    .reconnectAfter(Duration.ofMillis(100)).shutdownTimeout(Duration.ofMillis(500));
            SignalingServer a = new SignalingServer(base.nodeId("a").build()), b = new SignalingServer(base.nodeId("b").build());
            URI aUrl = URI.create("ws://127.0.0.1:" + a.start().wsPort()), bUrl = URI.create("ws://127.0.0.1:" + b.start().wsPort());
            IdentityKeyPair cKey = IdentityKeyPair.generate(), dKey = IdentityKeyPair.generate();
            SignalingEvents rc = new SignalingEvents("C"), rd = new SignalingEvents("D");
            try (SignalingClient c = new SignalingClient(List.of(aUrl, bUrl), cKey, rc, null, Scheduler.system());
                 SignalingClient d = new SignalingClient(List.of(bUrl), dKey, rd, null, Scheduler.system())) {
                c.start();
                d.start();
                rc.next(Welcome.class);
                rd.next(Welcome.class);
                SdpProof proof = new SdpProof(dKey.publicKey(), "AAECAwQFBgcICQoLDA0ODw", 1, 1_700_000_000_000L,
                        Base64Url.encode(new byte[64]));
                assertThat(d.send(new Offer(cKey.publicKey().peerId(), null, "m-1", "v=0\r\n", proof))).isTrue();
                Offer got = rc.next(Offer.class);
                assertThat(got.id()).isEqualTo("m-1");
                assertThat(got.mark()).as("delivered from a's inbox").startsWith("a ");
                assertThat(metric(b, "claims_marked")).isZero();

                a.close();
                assertThat(rc.next(String.class)).startsWith("offline ");
                assertThat(rc.next(Welcome.class).resumed()).isTrue();
                assertThat(c.server()).isEqualTo(bUrl);
                assertThat(metric(b, "claims_marked")).as("C's login on b came with the mark").isEqualTo(1);
                rc.assertExhausted();
                rd.assertExhausted();
            } finally {
                a.close();
                b.close();
            }
        }
    }

    private static long metric(SignalingServer s, String event) {
        for (String l : s.metricsText().split("\n")) {
            if (l.startsWith("parley_cluster_events_total{") && l.contains("event=\"" + event + "\"}")) {
                return Long.parseLong(l.substring(l.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }
}
