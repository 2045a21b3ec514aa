package dev.parley.server;

import dev.parley.protocol.signal.ErrorCode;
import dev.parley.protocol.signal.ErrorMessage;
import dev.parley.protocol.signal.Offer;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A relay answered {@code relay_failed} during a Redis stall may still arrive (its XADD ran once Redis went
 * on); the client's retry with the same id must not arrive a second time (docs/protocol.md § Retrying a relay).
 */
class ClusterRetryTest extends ClusterSupport {
    private static final String DROPPED_N2 = "parley_relay_retries_dropped_total{path=\"cross_node\"}";

    private static void expectOffer(TestPeer p, String id, TestPeer from) throws Exception {
        Offer o = p.ws.expect(Offer.class);
        assertThat(o.id()).isEqualTo(id);
        assertThat(o.from()).isEqualTo(from.id());
    }

    @Test
    void aRelayRefusedDuringASigstopAndRetriedWithTheSameIdArrivesOnce() throws Exception {
        // n1 waits 3 s for Redis: its heartbeat cannot fail sooner, so it is still ready (and XADDs the relay)
        // right after the stop, and the relay's own command times out, unanswered, after those 3 s.
        SignalingServer n1 = node("n1", b -> b.redisTimeout(Duration.ofSeconds(3))), n2 = node("n2");
        TestPeer a = loggedIn(n1), b = loggedIn(n1), c = loggedIn(n2);
        a.ws.send(ClusterSupport.offer(c.id(), "warm")); // n1 learns c's route: the next relay is one XADD
        expectOffer(c, "warm", a);

        redis.signal("STOP");
        try {
            a.ws.send(ClusterSupport.offer(c.id(), "r-1"));
            ErrorMessage e = a.ws.expectWithin(ErrorMessage.class, Duration.ofSeconds(15));
            assertThat(e.code()).isEqualTo(ErrorCode.RELAY_FAILED);
            assertThat(e.ref()).isEqualTo("r-1");
            c.ws.assertExhausted();
        } finally {
            redis.signal("CONT");
        }
        // The XADD was in Redis's socket buffer: it runs now, and r-1 arrives although it was refused.
        Offer late = c.ws.expectWithin(Offer.class, Duration.ofSeconds(15));
        assertThat(late.id()).isEqualTo("r-1");
        await("n1 ready again", Duration.ofSeconds(15), n1::clusterReady);
        await("n2 ready again", Duration.ofSeconds(15), n2::clusterReady);
        assertThat(metric(n2, DROPPED_N2)).isZero();

        // The client does what relay_failed says: retries with the same id. Dropped on c's node, silently.
        a.ws.send(ClusterSupport.offer(c.id(), "r-1"));
        a.ws.send(ClusterSupport.offer(c.id(), "r-2")); // another id from the same sender: delivered
        expectOffer(c, "r-2", a);
        // The same id from another sender: delivered. Then a's sentinel: nothing else is on the way.
        b.ws.send(ClusterSupport.offer(c.id(), "r-1"));
        expectOffer(c, "r-1", b);
        a.ws.send(ClusterSupport.offer(c.id(), "sentinel"));
        expectOffer(c, "sentinel", a);
        assertThat(metric(n2, DROPPED_N2)).isEqualTo(1);
        c.ws.send(ClusterSupport.offer(a.id(), "back"));
        expectOffer(a, "back", c);
        a.ws.assertExhausted();
        b.ws.assertExhausted();
        c.ws.assertExhausted();
    }

    @Test
    void aRetryOfARelayThatArrivedCrossNodeIsDroppedWhenItComesSameNode() throws Exception {
        SignalingServer n1 = node("n1"), n2 = node("n2");
        dev.parley.protocol.crypto.IdentityKeyPair aKey = dev.parley.protocol.crypto.IdentityKeyPair.generate();
        TestPeer a = connect(n1, aKey);
        a.login();
        TestPeer c = loggedIn(n2);
        a.ws.send(ClusterSupport.offer(c.id(), "x-1"));
        expectOffer(c, "x-1", a);
        // The sender comes back on the recipient's node (its old connection replaced) and retries there.
        TestPeer a2 = connect(n2, aKey);
        assertThat(a2.login().resumed()).isTrue();
        assertThat(a.ws.expect(ErrorMessage.class).code()).isEqualTo(ErrorCode.REPLACED);
        assertThat(a.ws.awaitClose().code()).isEqualTo(4001);
        a.ws.assertExhausted();
        a2.ws.send(ClusterSupport.offer(c.id(), "x-1"));
        a2.ws.send(ClusterSupport.offer(c.id(), "sentinel"));
        expectOffer(c, "sentinel", a2);
        assertThat(metric(n2, "parley_relay_retries_dropped_total{path=\"same_node\"}")).isEqualTo(1);
        a2.ws.assertExhausted();
        c.ws.assertExhausted();
    }
}
