package dev.parley.client.internal.signaling;

import dev.parley.client.internal.time.Scheduler;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.signal.Welcome;
import dev.parley.server.ServerConfig;
import dev.parley.server.SignalingServer;
import org.junit.jupiter.api.Test;

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
}
