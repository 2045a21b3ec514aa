package dev.parley.server;

import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.signal.Candidate;
import dev.parley.protocol.signal.Logout;
import dev.parley.protocol.signal.Offer;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One node: a relay whose (sender, id) its recipient got within the retry window is dropped, silently for the
 * sender (docs/protocol.md § Retrying a relay); other ids, other senders and relays without an id go through;
 * the window ends after {@link RetryFilter#WINDOW_MS}, survives a resume and not a fresh login.
 */
class RetriedRelayTest extends ServerTestSupport {
    private static final String DROPPED = "parley_relay_retries_dropped_total{path=\"same_node\"}";

    private void startLong() throws Exception {
        // The window is a minute: the clock is pushed past it, which must not idle anyone out.
        start(b -> b.idleTimeout(Duration.ofMinutes(10)).resumeGrace(Duration.ofSeconds(30)));
    }

    private static Offer offer(TestPeer to, String id) {
        return new Offer(to.id(), null, id, "v=0\r\n", PROOF);
    }

    private static void expectOffer(TestPeer p, String id, TestPeer from) throws Exception {
        Offer o = p.ws.expect(Offer.class);
        assertThat(o.id()).isEqualTo(id);
        assertThat(o.from()).isEqualTo(from.id());
    }

    @Test
    void aRetryWithTheSameIdIsDeliveredOnceAndOtherIdsSendersAndIdlessRelaysAreNot() throws Exception {
        startLong();
        TestPeer a = loggedIn(), b = loggedIn(), c = loggedIn();
        assertThat(metric(DROPPED)).isZero();

        a.ws.send(offer(b, "m-1"));
        a.ws.send(offer(b, "m-1")); // the retry: dropped
        a.ws.send(offer(b, "m-2")); // another id
        a.ws.send(new Offer(b.id(), null, null, "v=0\r\n", PROOF)); // no id: never dropped
        a.ws.send(new Offer(b.id(), null, null, "v=0\r\n", PROOF));
        // A candidate with the id of an offer: the key is (sender, id), whatever the type.
        a.ws.send(new Candidate(b.id(), null, "m-2", PROOF.sessionId(), "candidate:1 1 udp 1 192.0.2.1 5000 typ host", "0", 0));
        a.ws.send(offer(b, "sentinel"));

        expectOffer(b, "m-1", a);
        expectOffer(b, "m-2", a);
        expectOffer(b, null, a);
        expectOffer(b, null, a);
        expectOffer(b, "sentinel", a);
        // The same id from another sender (after a's sentinel: two senders' relays have no order between them).
        c.ws.send(offer(b, "m-1"));
        c.ws.send(offer(b, "sentinel-c"));
        expectOffer(b, "m-1", c);
        expectOffer(b, "sentinel-c", c);
        assertThat(metric(DROPPED)).isEqualTo(2);
        // The sender heard nothing about the drops (the sentinel back proves its queue is empty so far).
        b.ws.send(offer(a, "back"));
        expectOffer(a, "back", b);
        a.ws.assertExhausted();
        b.ws.assertExhausted();
        c.ws.assertExhausted();
    }

    @Test
    void theWindowEndsAfterAMinuteSurvivesAResumeAndNotAFreshLogin() throws Exception {
        startLong();
        TestPeer a = loggedIn();
        IdentityKeyPair bKey = IdentityKeyPair.generate();
        TestPeer b = connect(bKey);
        b.login();

        a.ws.send(offer(b, "w-1"));
        expectOffer(b, "w-1", a);
        clock.advance(Duration.ofMillis(RetryFilter.WINDOW_MS - 1_000));
        a.ws.send(offer(b, "w-1")); // still inside the window
        a.ws.send(offer(b, "w-2"));
        expectOffer(b, "w-2", a);
        clock.advance(Duration.ofMillis(1_001)); // w-1 is a minute old now, w-2 is not
        a.ws.send(offer(b, "w-1"));
        a.ws.send(offer(b, "w-2"));
        a.ws.send(offer(b, "sentinel-1"));
        expectOffer(b, "w-1", a);
        expectOffer(b, "sentinel-1", a);
        assertThat(metric(DROPPED)).isEqualTo(2);

        // A resume (same binding, within the grace) keeps what the binding got.
        b.ws.closeBlocking();
        TestPeer b2 = connect(bKey);
        assertThat(b2.login().resumed()).isTrue();
        a.ws.send(offer(b, "w-2"));
        a.ws.send(offer(b, "sentinel-2"));
        expectOffer(b2, "sentinel-2", a);
        assertThat(metric(DROPPED)).isEqualTo(3);

        // A fresh login after a logout is a new binding: nothing delivered before counts.
        b2.ws.send(new Logout());
        assertThat(b2.ws.awaitClose().code()).isEqualTo(1000);
        TestPeer b3 = connect(bKey);
        assertThat(b3.login().resumed()).isFalse();
        a.ws.send(offer(b, "w-2"));
        expectOffer(b3, "w-2", a);
        assertThat(metric(DROPPED)).isEqualTo(3);
        a.ws.assertExhausted();
        b2.ws.assertExhausted();
        b3.ws.assertExhausted();
    }
}
