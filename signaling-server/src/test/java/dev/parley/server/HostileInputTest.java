package dev.parley.server;

import dev.parley.protocol.crypto.AuthPayload;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.signal.Auth;
import dev.parley.protocol.signal.Challenge;
import dev.parley.protocol.signal.CloseCodes;
import dev.parley.protocol.signal.ErrorCode;
import dev.parley.protocol.signal.ErrorMessage;
import dev.parley.protocol.signal.Offer;
import dev.parley.protocol.signal.Ping;
import dev.parley.protocol.signal.ServerMessage;
import dev.parley.protocol.signal.Welcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every kind of hostile input closes only the offending connection, with the right code, and is counted;
 * a second authenticated pair keeps relaying throughout.
 */
class HostileInputTest extends ServerTestSupport {
    TestPeer h1;
    TestPeer h2;

    @BeforeEach
    void healthyPair() throws Exception {
        start(b -> b.authDeadline(Duration.ofSeconds(10)));
        h1 = loggedIn();
        h2 = loggedIn();
    }

    private void expectFatal(RecordingClient c, ErrorCode code) throws Exception {
        ServerMessage m = c.next(); // the very next message: nothing relayed or answered before the refusal
        assertThat(m).isInstanceOf(ErrorMessage.class);
        assertThat(((ErrorMessage) m).code()).isEqualTo(code);
        assertThat(c.awaitClose().code()).isEqualTo(code.closeCode());
        assertThat(metric("parley_rejects_total{reason=\"" + code.wire() + "\"}")).isEqualTo(1);
        assertPairStillRelays(h1, h2);
    }

    @Test
    void anythingButAuthBeforeLoginIsRefused() throws Exception {
        TestPeer p = connect();
        p.ws.expect(Challenge.class);
        p.ws.send(new Ping("1"));
        expectFatal(p.ws, ErrorCode.NOT_AUTHENTICATED);
    }

    @Test
    void aSignatureByAnotherKeyFailsAuth() throws Exception {
        TestPeer p = connect();
        Challenge ch = p.ws.expect(Challenge.class);
        IdentityKeyPair other = IdentityKeyPair.generate();
        byte[] nonce = Base64Url.decode("nonce", ch.nonce(), 32);
        byte[] sig = other.sign(AuthPayload.bytes(p.host, nonce, p.key.publicKey()));
        p.ws.send(new Auth(p.key.publicKey(), ch.nonce(), Base64Url.encode(sig)));
        expectFatal(p.ws, ErrorCode.AUTH_FAILED);
    }

    @Test
    void aSignatureForAnotherHostFailsAuth() throws Exception {
        TestPeer p = connect();
        Challenge ch = p.ws.expect(Challenge.class);
        byte[] nonce = Base64Url.decode("nonce", ch.nonce(), 32);
        byte[] sig = p.key.sign(AuthPayload.bytes("evil.example:443", nonce, p.key.publicKey()));
        p.ws.send(new Auth(p.key.publicKey(), ch.nonce(), Base64Url.encode(sig)));
        expectFatal(p.ws, ErrorCode.AUTH_FAILED);
    }

    @Test
    void replayingAnotherConnectionsAuthFailsBecauseItsNonceIsNotThisOne() throws Exception {
        TestPeer victim = connect();
        Auth captured = victim.authFor(victim.ws.expect(Challenge.class));
        victim.ws.send(captured);
        victim.ws.expect(Welcome.class);
        TestPeer attacker = connect();
        attacker.ws.expect(Challenge.class);
        attacker.ws.send(captured);
        expectFatal(attacker.ws, ErrorCode.AUTH_FAILED);
    }

    @Test
    void missingTheAuthDeadlineClosesTheConnection() throws Exception {
        TestPeer p = connect();
        p.ws.expect(Challenge.class);
        clock.advance(Duration.ofSeconds(11));
        expectFatal(p.ws, ErrorCode.AUTH_TIMEOUT);
    }

    @Test
    void aClientSetFromIsRefusedAndNothingIsRelayed() throws Exception {
        TestPeer spoofer = loggedIn();
        spoofer.ws.send("{\"type\":\"offer\",\"to\":\"" + h2.id() + "\",\"from\":\"" + h1.id()
                + "\",\"id\":\"x\",\"sdp\":\"v=0\"}");
        expectFatal(spoofer.ws, ErrorCode.SPOOFED_FROM);
        h2.ws.assertExhausted();
    }

    @Test
    void anExplicitNullFromIsStillASpoofedFrom() throws Exception {
        TestPeer spoofer = loggedIn();
        spoofer.ws.send("{\"type\":\"candidate\",\"from\":null,\"to\":\"" + h2.id() + "\",\"candidate\":\"\"}");
        expectFatal(spoofer.ws, ErrorCode.SPOOFED_FROM);
        h2.ws.assertExhausted();
    }

    @Test
    void tenThousandDeepNestingIsMalformed() throws Exception {
        TestPeer p = loggedIn();
        p.ws.send("{\"type\":\"watch\",\"peers\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}");
        expectFatal(p.ws, ErrorCode.MALFORMED);
    }

    @Test
    void duplicateKeysAreMalformed() throws Exception {
        TestPeer p = loggedIn();
        p.ws.send("{\"type\":\"ping\",\"id\":\"1\",\"id\":\"2\"}");
        expectFatal(p.ws, ErrorCode.MALFORMED);
    }

    @Test
    void unknownTypesAndFieldsAreMalformed() throws Exception {
        TestPeer p = loggedIn();
        p.ws.send("{\"type\":\"ping\",\"id\":\"1\",\"admin\":true}");
        expectFatal(p.ws, ErrorCode.MALFORMED);
    }

    @Test
    void binaryMessagesAreMalformed() throws Exception {
        TestPeer p = loggedIn();
        p.ws.send(new byte[] {1, 2, 3});
        expectFatal(p.ws, ErrorCode.MALFORMED);
    }

    @Test
    void aTenMegabyteStringIsCutOffAtTheFrameCap() throws Exception {
        TestPeer p = loggedIn();
        p.ws.send("{\"type\":\"ping\",\"id\":\"" + "x".repeat(10 * 1024 * 1024) + "\"}");
        assertThat(p.ws.awaitClose().code()).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
        assertThat(metric("parley_rejects_total{reason=\"too_large\"}")).isEqualTo(1);
        assertPairStillRelays(h1, h2);
    }

    @Test
    void aFrameHeaderDeclaringOneGibibyteIsRefusedWithoutWaitingForIt() throws Exception {
        try (RawWsClient raw = RawWsClient.connect(ports.wsPort(), "")) {
            raw.nextText(); // challenge
            raw.headerOnly(RawWsClient.TEXT, true, 1L << 30);
            assertThat(raw.awaitClose()).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
        }
        assertThat(metric("parley_rejects_total{reason=\"too_large\"}")).isEqualTo(1);
        assertPairStillRelays(h1, h2);
    }

    @Test
    void hundredKilobyteContinuationFramesAreCutOffAtTheFirstOne() throws Exception {
        long sent = sendFragments(100_000, 200);
        assertThat(sent).as("bytes written before the server cut us off").isLessThan(200L * 100_000);
    }

    @Test
    void smallContinuationFramesAreCutOffOnceTheirTotalPassesTheCap() throws Exception {
        // Each fragment is far below the cap and FIN never comes: only a running total can catch this.
        long sent = sendFragments(16_000, 1300);
        assertThat(sent).isLessThan(1300L * 16_000);
    }

    /** Logged in, sends a non-final text frame and continuations until the server closes; returns bytes written. */
    private long sendFragments(int size, int count) throws Exception {
        try (RawWsClient raw = RawWsClient.connect(ports.wsPort(), "")) {
            assertThat(raw.login(IdentityKeyPair.generate(), "127.0.0.1:" + ports.wsPort())).contains("\"welcome\"");
            byte[] chunk = "a".repeat(size).getBytes(StandardCharsets.US_ASCII);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    raw.frame(RawWsClient.TEXT, false, chunk);
                    for (int i = 1; i < count && !raw.closeCode.isDone(); i++) raw.frame(RawWsClient.CONTINUATION, false, chunk);
                } catch (IOException e) {
                    // the server hung up on us: expected
                }
            });
            assertThat(raw.awaitClose()).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
            writer.get(10, TimeUnit.SECONDS);
            assertThat(metric("parley_rejects_total{reason=\"too_large\"}")).isEqualTo(1);
            assertPairStillRelays(h1, h2);
            return raw.bytesSent.get();
        }
    }

    @Test
    void invalidUtf8InATextFrameClosesWith1007() throws Exception {
        try (RawWsClient raw = RawWsClient.connect(ports.wsPort(), "")) {
            raw.nextText();
            raw.frame(RawWsClient.TEXT, true, new byte[] {'{', '"', (byte) 0xc3, (byte) 0x28, '"', '}'});
            assertThat(raw.awaitClose()).isEqualTo(CloseCodes.INVALID_DATA);
        }
        assertThat(metric("parley_rejects_total{reason=\"invalid_utf8\"}")).isEqualTo(1);
        assertPairStillRelays(h1, h2);
    }

    @Test
    void aFloodFromOneClientIsRateLimitedWhileOthersKeepRelaying() throws Exception {
        TestPeer flooder = loggedIn();
        flooder.ws.received.ignoring("pongs to the flood's pings", t -> t.contains("\"pong\""));
        CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 10_000 && flooder.ws.isOpen(); i++) {
                try {
                    flooder.ws.send("{\"type\":\"ping\",\"id\":\"" + i + "\"}");
                } catch (RuntimeException closed) {
                    return;
                }
            }
        });
        assertPairStillRelays(h1, h2);
        expectFatal(flooder.ws, ErrorCode.RATE_LIMITED);
        flood.get(10, TimeUnit.SECONDS);
    }
}
