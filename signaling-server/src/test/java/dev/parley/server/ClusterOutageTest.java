package dev.parley.server;

import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.signal.ErrorCode;
import dev.parley.protocol.signal.ErrorMessage;
import dev.parley.protocol.signal.Logout;
import dev.parley.protocol.signal.Offer;
import dev.parley.protocol.signal.Watch;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Redis paused or restarted empty: sockets stay, same-node relays go on, the rest fails explicitly, then recovers. */
class ClusterOutageTest extends ClusterSupport {
    private static final Duration NOTICE = Duration.ofSeconds(5);

    @Test
    void redisPausedWithSigstopThenResumed() throws Exception {
        SignalingServer n1 = node("n1"), n2 = node("n2");
        TestPeer a = loggedIn(n1), b = loggedIn(n1), c = loggedIn(n2);

        redis.signal("STOP");
        await("n1 notices", NOTICE, () -> !n1.clusterReady());
        assertThat(status(n1, "/ready")).isEqualTo(503);
        assertThat(status(n1, "/healthz")).isEqualTo(200);

        a.ws.send(ClusterSupport.offer(b.id(), "same-node"));
        assertThat(b.ws.expect(Offer.class).id()).isEqualTo("same-node");
        a.ws.send(ClusterSupport.offer(c.id(), "cross-node"));
        ErrorMessage e = a.ws.expect(ErrorMessage.class);
        assertThat(e.code()).isEqualTo(ErrorCode.RELAY_FAILED);
        assertThat(e.ref()).isEqualTo("cross-node");

        TestPeer late = connect(n1, IdentityKeyPair.generate());
        var ch = late.ws.expect(dev.parley.protocol.signal.Challenge.class);
        late.ws.send(late.authFor(ch));
        ErrorMessage refused = late.ws.expect(ErrorMessage.class);
        assertThat(refused.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(refused.message()).contains("retry in");
        assertThat(late.ws.awaitClose().code()).isEqualTo(1013);

        redis.signal("CONT");
        await("n1 recovers", NOTICE, n1::clusterReady);
        await("n2 recovers", NOTICE, n2::clusterReady);
        assertThat(status(n1, "/ready")).isEqualTo(200);
        a.ws.send(ClusterSupport.offer(c.id(), "after"));
        assertThat(c.ws.expect(Offer.class).id()).isEqualTo("after");
        loggedIn(n1);
        a.ws.assertExhausted();
        b.ws.assertExhausted();
        c.ws.assertExhausted();
    }

    @Test
    void redisRestartedWithoutItsDataIsRefilledByTheNodes() throws Exception {
        SignalingServer n1 = node("n1"), n2 = node("n2");
        IdentityKeyPair aKey = IdentityKeyPair.generate();
        TestPeer a = connect(n1, aKey);
        a.login();
        TestPeer c = loggedIn(n2);
        a.ws.send(new Watch(List.of(c.id())));
        expectPresence(a, c.id(), false);
        c.ws.send(new Watch(List.of(a.id())));
        expectPresence(c, a.id(), true);
        expectPresence(a, c.id(), true);

        long before1 = metric(n1, "parley_cluster_events_total{node=\"n1\",event=\"reasserts\"}");
        long before2 = metric(n2, "parley_cluster_events_total{node=\"n2\",event=\"reasserts\"}");
        redis.kill();
        redis.start();
        await("n1 re-asserts", Duration.ofSeconds(10),
                () -> metric(n1, "parley_cluster_events_total{node=\"n1\",event=\"reasserts\"}") > before1 && n1.clusterReady());
        await("n2 re-asserts", Duration.ofSeconds(10),
                () -> metric(n2, "parley_cluster_events_total{node=\"n2\",event=\"reasserts\"}") > before2 && n2.clusterReady());

        // Routes are back without a new login ...
        a.ws.send(ClusterSupport.offer(c.id(), "after-restart"));
        assertThat(c.ws.expect(Offer.class).id()).isEqualTo("after-restart");
        // ... epochs too: a newer login of a on n2 still wins over the one on n1 ...
        TestPeer a2 = connect(n2, aKey);
        assertThat(a2.login().resumed()).isTrue();
        assertThat(a.ws.expect(ErrorMessage.class).code()).isEqualTo(ErrorCode.REPLACED);
        assertThat(a.ws.awaitClose().code()).isEqualTo(4001);
        // ... and watch sets: c leaving is seen by a's new session, whose watch set moved with it.
        c.ws.send(new Logout());
        expectPresence(a2, c.id(), false);
        a.ws.assertExhausted();
        a2.ws.assertExhausted();
    }

    @Test
    void redisClientPauseIsRiddenOutWithoutARestart() throws Exception {
        SignalingServer n1 = node("n1"), n2 = node("n2");
        TestPeer a = loggedIn(n1), c = loggedIn(n2);
        assertThat(redis.command("CLIENT", "PAUSE", "4000", "ALL")).isEqualTo("+OK");
        await("n1 notices", NOTICE, () -> !n1.clusterReady());
        a.ws.send(ClusterSupport.offer(c.id(), "paused"));
        ErrorMessage e = a.ws.expect(ErrorMessage.class);
        assertThat(e.code()).isEqualTo(ErrorCode.RELAY_FAILED);
        assertThat(e.ref()).isEqualTo("paused");
        // The pause ends by itself: the nodes come back without anyone touching them.
        await("n1 recovers", Duration.ofSeconds(10), n1::clusterReady);
        await("n2 recovers", Duration.ofSeconds(10), n2::clusterReady);
        // The pause outlasted n2's inbox read (block + timeout): that read got no answer and may still run
        // in Redis; the reader dropped its connection rather than trust it (the path under test).
        assertThat(metric(n2, "parley_cluster_events_total{node=\"n2\",event=\"inbox_reconnects\"}")).isPositive();
        // Relays right after the pause (when the held reads would run and swallow them) all arrive, in order, once.
        for (int i = 0; i < 10; i++) a.ws.send(ClusterSupport.offer(c.id(), "after-pause-" + i));
        for (int i = 0; i < 10; i++) assertThat(c.ws.expect(Offer.class).id()).isEqualTo("after-pause-" + i);
        c.ws.send(ClusterSupport.offer(a.id(), "sentinel"));
        assertThat(a.ws.expect(Offer.class).id()).isEqualTo("sentinel");
        a.ws.assertExhausted();
        c.ws.assertExhausted();
    }
}
