package dev.parley.server;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.signal.Offer;
import dev.parley.protocol.signal.Presence;
import dev.parley.testing.RedisProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** A real Redis of the test's own and in-process server nodes on port 0 coordinated through it. */
abstract class ClusterSupport {
    RedisProcess redis;
    final List<SignalingServer> nodes = new ArrayList<>();
    final List<AutoCloseable> cleanup = new ArrayList<>();

    @BeforeEach
    void startRedis() throws Exception {
        redis = new RedisProcess();
    }

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable c : cleanup) c.close();
        for (SignalingServer s : nodes) s.close();
        redis.close();
    }

    SignalingServer node(String id) throws Exception {
        return node(id, c -> c);
    }

    /** A node whose test configuration {@code tweak} adjusts. */
    SignalingServer node(String id, java.util.function.UnaryOperator<ServerConfig.ServerConfigBuilder> tweak) throws Exception {
        // The race test's probe relays once per round, faster than the default 50/s.
        SignalingServer s = new SignalingServer(tweak.apply(ServerTestSupport.testConfig().redis(redis.url()).nodeId(id)
                .messagesPerSecond(1000).burst(1000)
                .drainDelay(Duration.ZERO).shutdownTimeout(Duration.ofMillis(500))).build());
        s.start();
        nodes.add(s);
        return s;
    }

    static URI uri(SignalingServer s) {
        return URI.create("ws://127.0.0.1:" + s.ports().wsPort() + "/");
    }

    TestPeer connect(SignalingServer s, IdentityKeyPair key) throws Exception {
        TestPeer p = TestPeer.connect(uri(s), key, null);
        cleanup.add(p);
        return p;
    }

    TestPeer loggedIn(SignalingServer s) throws Exception {
        TestPeer p = connect(s, IdentityKeyPair.generate());
        p.login();
        return p;
    }

    static Offer offer(PeerId to, String id) {
        return new Offer(to, null, id, "v=0\r\n", ServerTestSupport.PROOF);
    }

    static void expectPresence(TestPeer p, PeerId who, boolean online) throws Exception {
        Presence m = p.ws.expect(Presence.class);
        assertThat(m.peers()).containsExactly(new Presence.Entry(who, online));
    }

    static int status(SignalingServer s, String path) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.ports().httpPort() + path))
                .timeout(Duration.ofSeconds(5)).build();
        return client.send(req, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** Waits for a condition the system reaches on its own (bounded); polling, not a sleep standing in for an event. */
    static void await(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) throw new AssertionError("timed out waiting: " + what);
            Thread.sleep(10);
        }
    }

    static long metric(SignalingServer s, String prefix) {
        return metric(s.metricsText(), prefix);
    }

    /** The sum of the /metrics lines starting with {@code prefix} in {@code text}; -1 if there is none. */
    static long metric(String text, String prefix) {
        long sum = 0;
        boolean found = false;
        for (String l : text.split("\n")) {
            if (l.startsWith(prefix)) {
                sum += (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        return found ? sum : -1;
    }
}
