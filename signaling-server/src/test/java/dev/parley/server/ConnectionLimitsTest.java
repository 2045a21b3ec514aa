package dev.parley.server;

import dev.parley.protocol.signal.Challenge;
import dev.parley.protocol.signal.CloseCodes;
import dev.parley.protocol.signal.ErrorCode;
import dev.parley.protocol.signal.ErrorMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Caps on connections and handshakes, the Origin allowlist and the idle timeout. */
class ConnectionLimitsTest extends ServerTestSupport {

    @Test
    void connectionsOverThePerAddressCapAreToldToComeBackLater() throws Exception {
        start(b -> b.maxConnectionsPerIp(2).handshakesPerSecondPerIp(1000).handshakeBurstPerIp(1000));
        TestPeer a = loggedIn();
        TestPeer b = loggedIn();
        TestPeer third = connect();
        ErrorMessage e = third.ws.expect(ErrorMessage.class);
        assertThat(e.code()).isEqualTo(ErrorCode.OVERLOADED);
        assertThat(third.ws.awaitClose().code()).isEqualTo(CloseCodes.TRY_AGAIN_LATER);
        assertThat(metric("parley_rejects_total{reason=\"overloaded\"}")).isEqualTo(1);
        assertPairStillRelays(a, b);
    }

    @Test
    void handshakesOverThePerAddressRateAreToldToComeBackLater() throws Exception {
        start(b -> b.handshakesPerSecondPerIp(1).handshakeBurstPerIp(2));
        TestPeer a = loggedIn();
        TestPeer b = loggedIn();
        TestPeer third = connect();
        assertThat(third.ws.expect(ErrorMessage.class).code()).isEqualTo(ErrorCode.OVERLOADED);
        assertThat(third.ws.awaitClose().code()).isEqualTo(CloseCodes.TRY_AGAIN_LATER);
        assertPairStillRelays(a, b);
    }

    @Test
    void theGlobalCapTurnsAwayConnectionsBeyondIt() throws Exception {
        start(b -> b.maxConnections(1));
        TestPeer a = loggedIn();
        TestPeer second = connect();
        assertThat(second.ws.expect(ErrorMessage.class).code()).isEqualTo(ErrorCode.OVERLOADED);
        assertThat(second.ws.awaitClose().code()).isEqualTo(CloseCodes.TRY_AGAIN_LATER);
    }

    @Test
    void aBrowserFromAnOriginNotAllowedIsRefusedAtTheHandshake() throws Exception {
        start(b -> b.allowedOrigins(List.of("https://app.parley.test")));
        try (RawWsClient evil = RawWsClient.connect(ports.wsPort(), "Origin: https://evil.test\r\n")) {
            assertThat(evil.upgraded()).isFalse();
        }
        try (RawWsClient good = RawWsClient.connect(ports.wsPort(), "Origin: https://app.parley.test\r\n")) {
            assertThat(good.upgraded()).isTrue();
            assertThat(good.nextText()).contains("\"challenge\"");
        }
        assertThat(metric("parley_rejects_total{reason=\"origin\"}")).isEqualTo(1);
    }

    @Test
    void aConnectionThatSendsNothingForTheIdleTimeoutIsClosedGoingAway() throws Exception {
        start(b -> b.idleTimeout(Duration.ofSeconds(60)));
        TestPeer a = loggedIn();
        clock.advance(Duration.ofSeconds(61));
        assertThat(a.ws.expect(ErrorMessage.class).code()).isEqualTo(ErrorCode.IDLE_TIMEOUT);
        assertThat(a.ws.awaitClose().code()).isEqualTo(CloseCodes.GOING_AWAY);
        assertThat(metric("parley_rejects_total{reason=\"idle_timeout\"}")).isEqualTo(1);
    }

    @Test
    void aSocketThatNeverCompletesTheHandshakeIsDroppedAtTheAuthDeadline() throws Exception {
        start();
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", ports.wsPort())) {
            s.getOutputStream().write("GET / HTTP/1.1\r\n".getBytes());
            s.setSoTimeout(10_000);
            // Let the server see the socket before time moves.
            TestPeer sync = connect();
            sync.ws.expect(Challenge.class);
            clock.advance(Duration.ofSeconds(11));
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(metric("parley_rejects_total{reason=\"handshake_timeout\"}")).isEqualTo(1);
    }
}
