package dev.parley.server;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.signal.Candidate;
import dev.parley.protocol.signal.ErrorCode;
import dev.parley.protocol.signal.ErrorMessage;
import dev.parley.protocol.signal.Logout;
import dev.parley.protocol.signal.Offer;
import dev.parley.protocol.signal.Presence;
import dev.parley.protocol.signal.Watch;
import dev.parley.protocol.signal.Welcome;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Several nodes on one real Redis: relays, presence and newest-login-wins across nodes. */
class ClusterTest extends ClusterSupport {
    @Test
    void peersOnDifferentNodesRelayAndSeeEachOthersPresence() throws Exception {
        SignalingServer n1 = node("n1"), n2 = node("n2");
        TestPeer a = loggedIn(n1), b = loggedIn(n2);
        a.ws.send(new Watch(List.of(b.id())));
        expectPresence(a, b.id(), false); // b does not watch a yet
        b.ws.send(new Watch(List.of(a.id())));
        expectPresence(b, a.id(), true);
        expectPresence(a, b.id(), true); // told by n2 through n1's inbox

        a.ws.send(offer(b.id(), "o1"));
        Offer got = b.ws.expect(Offer.class);
        assertThat(got.from()).isEqualTo(a.id());
        assertThat(got.id()).isEqualTo("o1");
        b.ws.send(new Candidate(a.id(), null, "o1", ServerTestSupport.PROOF.sessionId(), "candidate:1 1 udp 1 192.0.2.1 5000 typ host", "0", 0));
        assertThat(a.ws.expect(Candidate.class).from()).isEqualTo(b.id());

        PeerId nobody = IdentityKeyPair.generate().publicKey().peerId();
        a.ws.send(offer(nobody, "o2"));
        ErrorMessage e = a.ws.expect(ErrorMessage.class);
        assertThat(e.code()).isEqualTo(ErrorCode.PEER_OFFLINE);
        assertThat(e.ref()).isEqualTo("o2");

        b.ws.send(new Logout());
        assertThat(b.ws.awaitClose().code()).isEqualTo(1000);
        expectPresence(a, b.id(), false);
        a.ws.send(offer(b.id(), "o3"));
        assertThat(a.ws.expect(ErrorMessage.class).code()).isEqualTo(ErrorCode.PEER_OFFLINE);
        a.ws.assertExhausted();
        assertThat(metric(n1, "parley_cluster_events_total{node=\"n1\",event=\"relay_out\"}")).isEqualTo(1);
        assertThat(metric(n2, "parley_cluster_events_total{node=\"n2\",event=\"relay_in\"}")).isEqualTo(1);
        assertThat(status(n1, "/ready")).isEqualTo(200);
    }

    @Test
    void aNewerLoginOnAnotherNodeClosesTheOldSessionAndKeepsItsWatchSet() throws Exception {
        SignalingServer n1 = node("n1"), n2 = node("n2");
        TestPeer c = loggedIn(n1);
        IdentityKeyPair key = IdentityKeyPair.generate();
        TestPeer first = connect(n1, key);
        assertThat(first.login().resumed()).isFalse();
        first.ws.send(new Watch(List.of(c.id())));
        expectPresence(first, c.id(), false);
        c.ws.send(new Watch(List.of(first.id())));
        expectPresence(c, first.id(), true);
        expectPresence(first, c.id(), true);

        TestPeer second = connect(n2, key);
        Welcome w = second.login();
        assertThat(w.resumed()).as("takes over the binding held on n1").isTrue();
        assertThat(first.ws.expect(ErrorMessage.class).code()).isEqualTo(ErrorCode.REPLACED);
        assertThat(first.ws.awaitClose().code()).isEqualTo(4001);

        // c saw no flap, and relays now reach the new session only.
        c.ws.send(offer(key.publicKey().peerId(), "x"));
        assertThat(second.ws.expect(Offer.class).id()).isEqualTo("x");
        // the watch set moved with the binding: c leaving is seen on n2
        c.ws.send(new Logout());
        expectPresence(second, c.id(), false);
        c.ws.assertExhausted();
        first.ws.assertExhausted();
        second.ws.assertExhausted();
    }

    @Test
    void simultaneousLoginsOfOneKeyOnTwoNodesLeaveExactlyOne() throws Exception {
        SignalingServer n1 = node("n1"), n2 = node("n2"), n3 = node("n3");
        TestPeer probe = loggedIn(n3);
        int rounds = Integer.getInteger("parley.cluster.raceRounds", 1000);
        int n1Won = 0;
        for (int i = 0; i < rounds; i++) {
            IdentityKeyPair key = IdentityKeyPair.generate();
            TestPeer x = TestPeer.connect(uri(n1), key, null), y = TestPeer.connect(uri(n2), key, null);
            try {
                var cx = x.ws.expect(dev.parley.protocol.signal.Challenge.class);
                var cy = y.ws.expect(dev.parley.protocol.signal.Challenge.class);
                x.ws.send(x.authFor(cx));
                y.ws.send(y.authFor(cy));
                // The loser is closed with 4001 (kicked after its welcome, or refused before it).
                var closed = x.ws.closed.applyToEither(y.ws.closed, cl -> cl).get(5, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(closed.code()).as("round " + i).isEqualTo(4001);
                TestPeer winner = x.ws.closed.isDone() ? y : x;
                assertThat(winner.ws.closed.isDone()).as("round %d: both closed", i).isFalse();
                assertThat(winner.ws.expect(Welcome.class).peerId()).isEqualTo(key.publicKey().peerId());
                // The survivor is the one the cluster routes to.
                probe.ws.send(offer(key.publicKey().peerId(), "r" + i));
                assertThat(winner.ws.expect(Offer.class).id()).isEqualTo("r" + i);
                assertThat(winner.ws.closed.isDone()).as("round %d: survivor closed", i).isFalse();
                if (winner == x) n1Won++;
            } finally {
                x.close();
                y.close();
            }
        }
        probe.ws.assertExhausted();
        assertThat(n1Won).as("both nodes won some races").isBetween(rounds > 20 ? 1 : 0, rounds);
    }

    @Test
    void aStaleRouteIsNeverDeliveredToTheOldSessionButReRouted() throws Exception {
        SignalingServer n1 = node("n1"), n2 = node("n2"), n3 = node("n3");
        TestPeer c = loggedIn(n1);
        IdentityKeyPair key = IdentityKeyPair.generate();
        PeerId p = key.publicKey().peerId();
        TestPeer old = connect(n2, key);
        old.login();
        c.ws.send(offer(p, "learn"));
        assertThat(old.ws.expect(Offer.class).id()).isEqualTo("learn"); // n1 now caches p -> n2

        TestPeer moved = connect(n3, key); // newer login elsewhere: n2's binding is fenced off
        moved.login();
        assertThat(old.ws.expect(ErrorMessage.class).code()).isEqualTo(ErrorCode.REPLACED);
        assertThat(old.ws.awaitClose().code()).isEqualTo(4001);
        c.ws.send(offer(p, "after-move"));
        assertThat(moved.ws.expect(Offer.class).id()).isEqualTo("after-move");

        TestPeer again = connect(n3, key); // a newer login on the same node: a new epoch there
        again.login();
        assertThat(moved.ws.expect(ErrorMessage.class).code()).isEqualTo(ErrorCode.REPLACED);
        c.ws.send(offer(p, "same-node-relogin"));
        assertThat(again.ws.expect(Offer.class).id()).isEqualTo("same-node-relogin");

        again.ws.send(new Logout());
        assertThat(again.ws.awaitClose().code()).isEqualTo(1000);
        c.ws.send(offer(p, "gone"));
        ErrorMessage e = c.ws.expect(ErrorMessage.class);
        assertThat(e.code()).isEqualTo(ErrorCode.PEER_OFFLINE);
        assertThat(e.ref()).isEqualTo("gone");
        c.ws.assertExhausted();
        old.ws.assertExhausted();
        moved.ws.assertExhausted();
        again.ws.assertExhausted();
    }

    @Test
    void aSessionInGraceOnOneNodeResumesOnAnotherWithoutAPresenceFlap() throws Exception {
        SignalingServer n1 = node("n1"), n2 = node("n2");
        TestPeer c = loggedIn(n1);
        IdentityKeyPair key = IdentityKeyPair.generate();
        TestPeer first = connect(n2, key);
        first.login();
        first.ws.send(new Watch(List.of(c.id())));
        expectPresence(first, c.id(), false);
        c.ws.send(new Watch(List.of(first.id())));
        expectPresence(c, first.id(), true);
        expectPresence(first, c.id(), true);

        first.ws.closeConnection(1006, "link lost"); // a dropped socket, no logout: n2 holds the binding in grace
        first.ws.awaitClose();
        ClusterSupport.await("n2 holds it in grace", Duration.ofSeconds(5), () -> metric(n2, "parley_sessions_in_grace") == 1);

        TestPeer back = connect(n1, key); // the client comes back on the other node
        assertThat(back.login().resumed()).isTrue();
        ClusterSupport.await("n2 let go of it", Duration.ofSeconds(5), () -> metric(n2, "parley_sessions_in_grace") == 0);
        c.ws.send(offer(key.publicKey().peerId(), "resumed"));
        assertThat(back.ws.expect(Offer.class).id()).isEqualTo("resumed");
        c.ws.send(new Logout()); // the watch list came along: c going is seen
        expectPresence(back, c.id(), false);
        c.ws.assertExhausted(); // c never saw the peer go offline and come back
        back.ws.assertExhausted();
    }
}
