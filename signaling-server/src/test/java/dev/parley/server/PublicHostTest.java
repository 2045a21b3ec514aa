package dev.parley.server;

import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.signal.CloseCodes;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Logins are bound to the server's own name, never to the Host header a client sends: a login a rogue
 * server collected for its own name is useless here even when the replayer sends that name as Host.
 */
class PublicHostTest extends ServerTestSupport {

    @Test
    void aLoginSignedForAnotherHostIsRefusedEvenWhenTheHostHeaderMatchesIt() throws Exception {
        start(b -> b.publicHosts(List.of("chat.parley.test")));
        TestPeer a = connect();
        TestPeer b = connect();
        a.ws.expect(dev.parley.protocol.signal.Challenge.class);
        b.ws.expect(dev.parley.protocol.signal.Challenge.class);
        for (String other : List.of("rogue.example", "127.0.0.1:" + ports.wsPort())) {
            try (RawWsClient raw = RawWsClient.connect(null, ports.wsPort(), other, "", "")) {
                assertThat(raw.login(IdentityKeyPair.generate(), other)).contains("\"auth_failed\"");
                assertThat(raw.awaitClose()).isEqualTo(CloseCodes.POLICY_VIOLATION);
            }
        }
        assertThat(metric("parley_rejects_total{reason=\"auth_failed\"}")).isEqualTo(2);
        // Signed for the configured name, the login works whatever the Host header says.
        try (RawWsClient raw = RawWsClient.connect(null, ports.wsPort(), "rogue.example", "", "")) {
            assertThat(raw.login(IdentityKeyPair.generate(), "chat.parley.test")).contains("\"welcome\"");
        }
    }

    @Test
    void onLoopbackTheLoopbackNamesWithTheBoundPortAreTheOnlyOnesAccepted() throws Exception {
        start();
        int p = ports.wsPort();
        for (String ok : List.of("127.0.0.1:" + p, "localhost:" + p, "[::1]:" + p)) {
            try (RawWsClient raw = RawWsClient.connect(null, p, "rogue.example", "", "")) {
                assertThat(raw.login(IdentityKeyPair.generate(), ok)).as(ok).contains("\"welcome\"");
            }
        }
        for (String bad : List.of("127.0.0.1", "localhost:" + (p + 1), "rogue.example")) {
            try (RawWsClient raw = RawWsClient.connect(null, p, bad, "", "")) {
                assertThat(raw.login(IdentityKeyPair.generate(), bad)).as(bad).contains("\"auth_failed\"");
            }
        }
    }

    @Test
    void aServerOffLoopbackRefusesToStartWithoutAPublicName() {
        assertThatThrownBy(() -> testConfig().bindAddress("0.0.0.0").build().validate())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--public-host");
        assertThat(testConfig().bindAddress("0.0.0.0").publicHosts(List.of("chat.parley.test")).build().validate())
                .isNotNull();
        assertThat(ServerConfig.builder().build().bindAddress()).isEqualTo("127.0.0.1");
    }
}
