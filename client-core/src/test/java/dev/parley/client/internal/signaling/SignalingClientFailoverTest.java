package dev.parley.client.internal.signaling;

import dev.parley.client.internal.time.Scheduler;
import dev.parley.protocol.crypto.IdentityKeyPair;
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
}
