package dev.parley.server;

import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.signal.Auth;
import dev.parley.protocol.signal.Challenge;
import dev.parley.protocol.signal.ErrorCode;
import dev.parley.protocol.signal.ErrorMessage;
import dev.parley.protocol.signal.Offer;
import dev.parley.protocol.signal.Watch;
import dev.parley.protocol.signal.Welcome;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A login (and a watch) waiting for a Redis that does not answer (SIGSTOP) holds up neither the event loop
 * it shares with other connections nor its own message order. One event loop per node here, so every
 * connection shares the loop of the one that waits.
 */
class ClusterSlowRedisTest extends ClusterSupport {
    private static final String WAITING = "parley_cluster_waiting{node=\"n1\"}";

    @Test
    void aLoginWaitingForRedisLetsItsLoopRelayAndKeepsItsOwnMessagesInOrder() throws Exception {
        // Redis may take 30 s: nothing times out while it is stopped, the node stays ready, the claim waits.
        SignalingServer n1 = node("n1", b -> b.workerThreads(1).redisTimeout(Duration.ofSeconds(30)));
        TestPeer a = loggedIn(n1), b = loggedIn(n1);
        TestPeer late = connect(n1, IdentityKeyPair.generate());
        Auth auth = late.authFor(late.ws.expect(Challenge.class));

        redis.signal("STOP");
        try {
            late.ws.send(auth);
            // Sent before any answer, as a pipelining client may: held until the claim is in, then in order.
            late.ws.send(new Watch(List.of(a.id())));
            late.ws.send(ClusterSupport.offer(a.id(), "held-1"));
            late.ws.send(ClusterSupport.offer(a.id(), "held-2"));
            await("late's claim is waiting for redis", Duration.ofSeconds(10), () -> metric(n1, WAITING) == 1);

            for (int i = 0; i < 20; i++) {
                a.ws.send(ClusterSupport.offer(b.id(), "same-node-" + i));
                assertThat(b.ws.expect(Offer.class).id()).isEqualTo("same-node-" + i);
            }
            assertThat(metric(n1, WAITING)).as("still waiting while the pair relayed").isEqualTo(1);
            late.ws.assertExhausted();
            a.ws.assertExhausted();
        } finally {
            redis.signal("CONT");
        }

        Welcome w = late.ws.expect(Welcome.class);
        assertThat(w.resumed()).isFalse();
        expectPresence(late, a.id(), false); // the held watch, answered after the claim (a does not watch late)
        assertThat(a.ws.expect(Offer.class).id()).isEqualTo("held-1");
        assertThat(a.ws.expect(Offer.class).id()).isEqualTo("held-2");
        // Sentinel: late is an ordinary logged-in peer now, and nothing else happened on the way.
        a.ws.send(ClusterSupport.offer(late.id(), "sentinel"));
        assertThat(late.ws.expect(Offer.class).id()).isEqualTo("sentinel");
        assertThat(metric(n1, WAITING)).isZero();
        late.ws.assertExhausted();
        a.ws.assertExhausted();
        b.ws.assertExhausted();
    }

    @Test
    void aClaimThatTimesOutIsRefusedWithARetryHintAndItsHeldMessagesGoNowhere() throws Exception {
        SignalingServer n1 = node("n1", b -> b.workerThreads(1).redisTimeout(Duration.ofSeconds(2)));
        TestPeer a = loggedIn(n1), b = loggedIn(n1);
        TestPeer late = connect(n1, IdentityKeyPair.generate());
        Auth auth = late.authFor(late.ws.expect(Challenge.class));

        redis.signal("STOP");
        try {
            late.ws.send(auth);
            late.ws.send(ClusterSupport.offer(a.id(), "held"));
            await("late's claim is waiting for redis", Duration.ofSeconds(10), () -> metric(n1, WAITING) == 1);
            a.ws.send(ClusterSupport.offer(b.id(), "same-node"));
            assertThat(b.ws.expect(Offer.class).id()).isEqualTo("same-node");

            // The claim's answer never came within the timeout: refused, not bound, the held offer dropped.
            ErrorMessage refused = late.ws.expect(ErrorMessage.class);
            assertThat(refused.code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(refused.message()).contains("did not answer").contains("retry in");
            assertThat(late.ws.awaitClose().code()).isEqualTo(1013);
            // The gauge drops when the answer (here the timeout) is handed to the connection, before the refusal.
            assertThat(metric(n1, WAITING)).as("no claim waiting once refused").isEqualTo(0);
        } finally {
            redis.signal("CONT");
        }
        await("n1 ready", Duration.ofSeconds(10), n1::clusterReady);
        // Sentinel: a relays to b again; the held offer never reached a.
        b.ws.send(ClusterSupport.offer(a.id(), "sentinel"));
        assertThat(a.ws.expect(Offer.class).id()).isEqualTo("sentinel");
        a.ws.assertExhausted();
        b.ws.assertExhausted();
    }

    @Test
    void whileAnExpiredRouteIsLookedUpAgainTheOtherRelaysUseItInsteadOfEachRunningTheLookup() throws Exception {
        // route-cache 0: every route is expired as soon as it is learnt, so each relay below finds it expired.
        SignalingServer n1 = node("n1", b -> b.redisTimeout(Duration.ofSeconds(30)).routeCache(Duration.ZERO));
        SignalingServer n2 = node("n2");
        // A route to a node not (yet) seen alive is always looked up: wait until n1 has seen n2's heartbeat.
        await("n1 sees both nodes", Duration.ofSeconds(10), () -> metric(n1, "parley_cluster_nodes{node=\"n1\"}") == 2);
        TestPeer a = loggedIn(n1), b = loggedIn(n2);
        a.ws.send(ClusterSupport.offer(b.id(), "learn")); // the first lookup: the route is known (and expired)
        assertThat(b.ws.expect(Offer.class).id()).isEqualTo("learn");
        String lookups = "parley_cluster_events_total{node=\"n1\",event=\"route_lookups\"}";
        String reused = "parley_cluster_events_total{node=\"n1\",event=\"route_reused\"}";
        long lookupsBefore = metric(n1, lookups), reusedBefore = Math.max(0, metric(n1, reused));
        assertThat(lookupsBefore).isEqualTo(1);

        redis.signal("STOP"); // the lookup of the first relay below cannot be answered while the others arrive
        try {
            for (int i = 0; i < 20; i++) a.ws.send(ClusterSupport.offer(b.id(), "r-" + i));
            await("n1 handed all 20 relays to redis", Duration.ofSeconds(10),
                    () -> metric(n1, lookups) - lookupsBefore + Math.max(0, metric(n1, reused)) - reusedBefore == 20);
            assertThat(metric(n1, lookups) - lookupsBefore).as("one lookup of the expired route, not one per relay").isEqualTo(1);
        } finally {
            redis.signal("CONT");
        }
        for (int i = 0; i < 20; i++) assertThat(b.ws.expect(Offer.class).id()).isEqualTo("r-" + i);
        // Sentinel: nothing else arrived on the way (no duplicate from the lookup and the reuses).
        a.ws.send(ClusterSupport.offer(b.id(), "sentinel"));
        assertThat(b.ws.expect(Offer.class).id()).isEqualTo("sentinel");
        a.ws.assertExhausted();
        b.ws.assertExhausted();
    }
}
