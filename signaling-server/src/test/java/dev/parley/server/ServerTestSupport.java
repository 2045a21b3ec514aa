package dev.parley.server;

import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.signal.Candidate;
import dev.parley.protocol.signal.Offer;
import dev.parley.protocol.signal.SdpProof;
import org.junit.jupiter.api.AfterEach;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** Starts a real server on ephemeral ports per test and closes everything afterwards. */
abstract class ServerTestSupport {
    final MutableClock clock = new MutableClock();
    SignalingServer server;
    SignalingServer.BoundPorts ports;
    URI uri;
    SSLContext clientTls;
    final List<AutoCloseable> cleanup = new ArrayList<>();

    /** Loopback, ephemeral ports, and per-IP limits high enough for a test suite that all comes from 127.0.0.1. */
    static ServerConfig.ServerConfigBuilder testConfig() {
        return ServerConfig.builder()
                .bindAddress("127.0.0.1").port(0).httpPort(0)
                .maxConnectionsPerIp(1000).handshakesPerSecondPerIp(1000).handshakeBurstPerIp(1000);
    }

    void start(UnaryOperator<ServerConfig.ServerConfigBuilder> tweak) throws Exception {
        server = new SignalingServer(tweak.apply(testConfig()).build(), clock);
        ports = server.start();
        uri = URI.create("ws://127.0.0.1:" + ports.wsPort() + "/");
    }

    void start() throws Exception {
        start(b -> b);
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (AutoCloseable c : cleanup) c.close();
        if (server != null) server.close();
    }

    TestPeer connect() throws Exception {
        TestPeer p = TestPeer.connect(uri, IdentityKeyPair.generate(), clientTls);
        cleanup.add(p);
        return p;
    }

    TestPeer connect(IdentityKeyPair key) throws Exception {
        TestPeer p = TestPeer.connect(uri, key, clientTls);
        cleanup.add(p);
        return p;
    }

    TestPeer loggedIn() throws Exception {
        TestPeer p = connect();
        p.login();
        return p;
    }

    static final SdpProof PROOF = new SdpProof(IdentityKeyPair.generate().publicKey(), "AAECAwQFBgcICQoLDA0ODw",
            1, 1_700_000_000_000L, Base64UrlSig.SIG);

    /** A second, unrelated pair that must keep working whatever a hostile client does. */
    static void assertPairStillRelays(TestPeer a, TestPeer b) throws Exception {
        String id = "health-" + System.nanoTime();
        a.ws.send(new Offer(b.id(), null, id, "v=0\r\n", PROOF));
        Offer got = b.ws.expect(Offer.class);
        assertThat(got.id()).isEqualTo(id);
        assertThat(got.from()).isEqualTo(a.id());
        b.ws.send(new Candidate(a.id(), null, id, PROOF.sessionId(), "candidate:1 1 udp 1 192.0.2.1 5000 typ host", "0", 0));
        assertThat(a.ws.expect(Candidate.class).from()).isEqualTo(b.id());
    }

    String httpGet(String path) throws Exception {
        return http(path).body();
    }

    HttpResponse<String> http(String path) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.httpPort() + path))
                .timeout(Duration.ofSeconds(5)).build();
        return client.send(req, HttpResponse.BodyHandlers.ofString());
    }

    long metric(String line) {
        for (String l : server.metricsText().split("\n")) {
            if (l.startsWith(line + " ")) return (long) Double.parseDouble(l.substring(line.length() + 1));
        }
        throw new AssertionError("no metric " + line);
    }

    /**
     * Closes {@code p}'s socket and waits (bounded) until the server holds its binding in grace. The client
     * sees the close handshake end before the server's transport reports the socket gone, so a test that
     * moves the clock right after {@code closeBlocking()} could start the grace after the jump.
     */
    void dropAndAwaitGrace(TestPeer p) throws Exception {
        long before = metric("parley_sessions_in_grace");
        p.ws.closeBlocking();
        ClusterSupport.await("the server holds the dropped binding in grace", Duration.ofSeconds(10),
                () -> metric("parley_sessions_in_grace") == before + 1);
    }

    /** A signature-shaped base64url string; the server never checks SDP proofs. */
    static final class Base64UrlSig {
        static final String SIG = dev.parley.protocol.crypto.Base64Url.encode(new byte[64]);
    }
}
