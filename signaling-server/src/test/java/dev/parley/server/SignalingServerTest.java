package dev.parley.server;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.signal.Answer;
import dev.parley.protocol.signal.Auth;
import dev.parley.protocol.signal.Candidate;
import dev.parley.protocol.signal.Challenge;
import dev.parley.protocol.signal.CloseCodes;
import dev.parley.protocol.signal.ErrorCode;
import dev.parley.protocol.signal.ErrorMessage;
import dev.parley.protocol.signal.GetIceServers;
import dev.parley.protocol.signal.IceServer;
import dev.parley.protocol.signal.IceServers;
import dev.parley.protocol.signal.Offer;
import dev.parley.protocol.signal.Ping;
import dev.parley.protocol.signal.Pong;
import dev.parley.protocol.signal.Logout;
import dev.parley.protocol.signal.Presence;
import dev.parley.protocol.signal.ProtocolVersion;
import dev.parley.protocol.signal.Watch;
import dev.parley.protocol.signal.Welcome;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The protocol's happy paths against a real server and real WebSocket clients. */
class SignalingServerTest extends ServerTestSupport {

    @Test
    void challengeThenAuthGivesWelcomeWithTheDerivedIdAndTheLimits() throws Exception {
        start(b -> b.maxWatch(7).messagesPerSecond(40).burst(80).resumeGrace(Duration.ofSeconds(9)));
        TestPeer p = connect();
        Challenge ch = p.ws.expect(Challenge.class);
        assertThat(ch.version()).isEqualTo(ProtocolVersion.CURRENT);
        assertThat(dev.parley.protocol.crypto.Base64Url.decode("nonce", ch.nonce())).hasSize(32);
        assertThat(ch.deadlineMs()).isBetween(1L, 10_000L);
        p.ws.send(p.authFor(ch));
        Welcome w = p.ws.expect(Welcome.class);
        assertThat(w.peerId()).isEqualTo(p.id());
        assertThat(w.resumed()).isFalse();
        assertThat(w.resumeGraceMs()).isEqualTo(9000);
        assertThat(w.idleTimeoutMs()).isEqualTo(60_000);
        assertThat(w.heartbeatMs()).isEqualTo(20_000);
        assertThat(w.iceServers()).isEmpty();
        assertThat(w.limits()).isEqualTo(new Welcome.Limits(65536, 40, 80, 7));
        p.ws.assertExhausted();
    }

    @Test
    void offerAnswerAndCandidateReachThePeerWithFromStampedByTheServer() throws Exception {
        start();
        TestPeer a = loggedIn();
        TestPeer b = loggedIn();
        a.ws.send(new Offer(b.id(), null, "o1", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n", PROOF));
        Offer offer = b.ws.expect(Offer.class);
        assertThat(offer).isEqualTo(new Offer(b.id(), a.id(), "o1", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n", PROOF));

        b.ws.send(new Answer(a.id(), null, "a1", "v=0\r\n", PROOF));
        assertThat(a.ws.expect(Answer.class)).isEqualTo(new Answer(a.id(), b.id(), "a1", "v=0\r\n", PROOF));

        Candidate c = new Candidate(b.id(), null, null, "AAECAwQFBgcICQoLDA0ODw", "", null, null);
        a.ws.send(c);
        assertThat(b.ws.expect(Candidate.class)).isEqualTo(c.withFrom(a.id()));
        assertThat(metric("parley_relayed_messages_total{type=\"offer\"}")).isEqualTo(1);
        assertThat(metric("parley_relayed_messages_total{type=\"candidate\"}")).isEqualTo(1);
        a.ws.assertExhausted();
        b.ws.assertExhausted();
    }

    @Test
    void relayToAnUnknownPeerAnswersPeerOfflineWithTheMessageIdAndKeepsTheConnection() throws Exception {
        start();
        TestPeer a = loggedIn();
        PeerId nobody = IdentityKeyPair.generate().publicKey().peerId();
        a.ws.send(new Offer(nobody, null, "m-17", "v=0\r\n", PROOF));
        ErrorMessage e = a.ws.expect(ErrorMessage.class);
        assertThat(e.code()).isEqualTo(ErrorCode.PEER_OFFLINE);
        assertThat(e.ref()).isEqualTo("m-17");
        a.ws.send(new Ping("still-here"));
        assertThat(a.ws.expect(Pong.class).id()).isEqualTo("still-here");
    }

    @Test
    void aRelayWithAMarkIsRefusedUnrelayedAndAMarkInAuthIsAcceptedWhenAlone() throws Exception {
        start();
        TestPeer a = connect();
        assertThat(a.login("n3 1764762351123-4").resumed()).as("a single node ignores the mark").isFalse();
        TestPeer b = loggedIn();
        a.ws.send(new Offer(b.id(), null, "marked", "v=0\r\n", PROOF, "n1 1-0"));
        ErrorMessage e = a.ws.expect(ErrorMessage.class);
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(e.ref()).isEqualTo("marked");
        assertThat(e.message()).contains("'mark' is set by the server");
        assertPairStillRelays(a, b); // the connection stays, and b got nothing before the health check
        a.ws.assertExhausted();
        b.ws.assertExhausted();
    }

    @Test
    void pingIsAnsweredWithPongEchoingTheId() throws Exception {
        start();
        TestPeer a = loggedIn();
        a.ws.send(new Ping("42"));
        assertThat(a.ws.expect(Pong.class)).isEqualTo(new Pong("42"));
        a.ws.assertExhausted();
    }

    @Test
    void mutualWatchersSeeEachOtherOnlineAndOfflineOnlyAfterTheGrace() throws Exception {
        start(b -> b.resumeGrace(Duration.ofSeconds(30)));
        TestPeer a = loggedIn();
        TestPeer b = loggedIn();
        a.ws.send(new Watch(List.of(b.id())));
        // b does not watch a yet: a sees b as offline, and b hears nothing.
        assertThat(a.ws.expect(Presence.class).peers()).containsExactly(new Presence.Entry(b.id(), false));
        b.ws.send(new Watch(List.of(a.id())));
        assertThat(b.ws.expect(Presence.class).peers()).containsExactly(new Presence.Entry(a.id(), true));
        assertThat(a.ws.expect(Presence.class).peers()).containsExactly(new Presence.Entry(b.id(), true));

        dropAndAwaitGrace(b);
        // The binding is held for the grace: nothing yet, and relays meanwhile say peer_offline.
        a.ws.send(new Offer(b.id(), null, "during-grace", "v=0\r\n", PROOF));
        ErrorMessage e = a.ws.expect(ErrorMessage.class);
        assertThat(e.code()).isEqualTo(ErrorCode.PEER_OFFLINE);
        assertThat(e.ref()).isEqualTo("during-grace");
        a.ws.assertExhausted();

        clock.advance(Duration.ofSeconds(31));
        assertThat(a.ws.expect(Presence.class).peers()).containsExactly(new Presence.Entry(b.id(), false));
        a.ws.assertExhausted();
    }

    @Test
    void aCleanLogoutIsSeenOfflineAtOnceWhileADropStillGetsTheGrace() throws Exception {
        start(b -> b.resumeGrace(Duration.ofSeconds(30)));
        TestPeer a = loggedIn();
        TestPeer b = loggedIn();
        TestPeer c = loggedIn();
        a.ws.send(new Watch(List.of(b.id(), c.id())));
        a.ws.expect(Presence.class);
        b.ws.send(new Watch(List.of(a.id())));
        b.ws.expect(Presence.class);
        a.ws.expect(Presence.class);
        c.ws.send(new Watch(List.of(a.id())));
        c.ws.expect(Presence.class);
        a.ws.expect(Presence.class);

        // b exits cleanly: a hears it at once, no clock movement; the server closes b with 1000.
        b.ws.send(new Logout());
        assertThat(a.ws.expect(Presence.class).peers()).containsExactly(new Presence.Entry(b.id(), false));
        assertThat(b.ws.awaitClose().code()).isEqualTo(1000);
        assertThat(metric("parley_logouts_total")).isEqualTo(1);
        a.ws.send(new Offer(b.id(), null, "after-logout", "v=0\r\n", PROOF));
        assertThat(a.ws.expect(ErrorMessage.class).code()).isEqualTo(ErrorCode.PEER_OFFLINE);
        // b logging in again is a new binding, not a resumption.
        TestPeer b2 = connect(b.key);
        assertThat(b2.login().resumed()).isFalse();

        // c only drops its socket: held for the grace, so a hears nothing until it ends.
        dropAndAwaitGrace(c);
        a.ws.send(new Ping("sync"));
        a.ws.expect(Pong.class);
        a.ws.assertExhausted();
        clock.advance(Duration.ofSeconds(31));
        assertThat(a.ws.expect(Presence.class).peers()).containsExactly(new Presence.Entry(c.id(), false));
        a.ws.assertExhausted();
    }

    @Test
    void aPeerWhoDoesNotWatchBackIsNeverReported() throws Exception {
        start(b -> b.resumeGrace(Duration.ZERO));
        TestPeer a = loggedIn();
        TestPeer b = loggedIn();
        a.ws.send(new Watch(List.of(b.id())));
        assertThat(a.ws.expect(Presence.class).peers()).containsExactly(new Presence.Entry(b.id(), false));
        b.ws.closeBlocking();
        TestPeer c = loggedIn(); // any later event would have arrived before this one's answer
        c.ws.send(new Ping("sync"));
        c.ws.expect(Pong.class);
        a.ws.send(new Ping("sync"));
        a.ws.expect(Pong.class);
        a.ws.assertExhausted();
    }

    @Test
    void aWatchedPeerLeavingTheWatchListIsReportedOfflineToTheOtherSide() throws Exception {
        start();
        TestPeer a = loggedIn();
        TestPeer b = loggedIn();
        a.ws.send(new Watch(List.of(b.id())));
        a.ws.expect(Presence.class);
        b.ws.send(new Watch(List.of(a.id())));
        b.ws.expect(Presence.class);
        a.ws.expect(Presence.class); // b online
        b.ws.send(new Watch(List.of()));
        assertThat(b.ws.expect(Presence.class).peers()).isEmpty();
        assertThat(a.ws.expect(Presence.class).peers()).containsExactly(new Presence.Entry(b.id(), false));
    }

    @Test
    void reconnectingWithinTheGraceResumesWithoutAnOfflineEvent() throws Exception {
        start(b -> b.resumeGrace(Duration.ofSeconds(30)));
        TestPeer a = loggedIn();
        IdentityKeyPair bKey = IdentityKeyPair.generate();
        TestPeer b = connect(bKey);
        b.login();
        a.ws.send(new Watch(List.of(b.id())));
        a.ws.expect(Presence.class);
        b.ws.send(new Watch(List.of(a.id())));
        b.ws.expect(Presence.class);
        a.ws.expect(Presence.class);

        dropAndAwaitGrace(b);
        TestPeer b2 = connect(bKey);
        Welcome w = b2.login();
        assertThat(w.resumed()).isTrue();
        // The watch set survived: a relay works and a's view never flapped.
        a.ws.send(new Offer(b.id(), null, "after-resume", "v=0\r\n", PROOF));
        assertThat(b2.ws.expect(Offer.class).id()).isEqualTo("after-resume");
        clock.advance(Duration.ofSeconds(31));
        a.ws.send(new Ping("sync"));
        a.ws.expect(Pong.class);
        a.ws.assertExhausted();
        assertThat(metric("parley_logins_total{result=\"resumed\"}")).isEqualTo(1);
    }

    @Test
    void aNewerLoginWithTheSameKeyReplacesTheOlderConnection() throws Exception {
        start();
        IdentityKeyPair key = IdentityKeyPair.generate();
        TestPeer old = connect(key);
        old.login();
        TestPeer newer = connect(key);
        newer.login();
        ErrorMessage e = old.ws.expect(ErrorMessage.class);
        assertThat(e.code()).isEqualTo(ErrorCode.REPLACED);
        assertThat(old.ws.awaitClose().code()).isEqualTo(CloseCodes.REPLACED);
        TestPeer other = loggedIn();
        other.ws.send(new Offer(newer.id(), null, "to-newest", "v=0\r\n", PROOF));
        assertThat(newer.ws.expect(Offer.class).id()).isEqualTo("to-newest");
    }

    @Test
    void iceServersCarryCoturnRestCredentialsWhenATurnSecretIsSet() throws Exception {
        start(b -> b.stunUrls(List.of("stun:stun.example.test:3478"))
                .turnUrls(List.of("turn:turn.example.test:3478?transport=udp"))
                .turnSecret("s3cret").turnTtl(Duration.ofMinutes(10)));
        TestPeer a = connect();
        Welcome w = a.login();
        assertThat(w.iceServersTtlSeconds()).isEqualTo(600);
        a.ws.send(new GetIceServers());
        long now = clock.millis() / 1000;
        IceServers ice = a.ws.expect(IceServers.class);
        assertThat(ice.ttlSeconds()).isEqualTo(600);
        assertThat(ice.iceServers()).hasSize(2);
        assertThat(ice.iceServers().get(0)).isEqualTo(new IceServer(List.of("stun:stun.example.test:3478"), null, null));
        IceServer turn = ice.iceServers().get(1);
        assertThat(turn.urls()).containsExactly("turn:turn.example.test:3478?transport=udp");
        String[] parts = turn.username().split(":");
        assertThat(parts[1]).isEqualTo(a.id().value());
        assertThat(Long.parseLong(parts[0])).isBetween(now + 590, now + 610);
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec("s3cret".getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        String expected = Base64.getEncoder().encodeToString(mac.doFinal(turn.username().getBytes(StandardCharsets.UTF_8)));
        assertThat(turn.credential()).isEqualTo(expected);
    }

    @Test
    void iceServersWithoutTurnAreJustTheConfiguredStunServersAndNoneByDefault() throws Exception {
        start(b -> b.stunUrls(List.of("stun:192.0.2.10:3478")));
        TestPeer a = loggedIn();
        a.ws.send(new GetIceServers());
        IceServers ice = a.ws.expect(IceServers.class);
        assertThat(ice).isEqualTo(new IceServers(List.of(new IceServer(List.of("stun:192.0.2.10:3478"), null, null)), 0));
        server.close();
        start();
        TestPeer b = loggedIn();
        b.ws.send(new GetIceServers());
        assertThat(b.ws.expect(IceServers.class)).isEqualTo(new IceServers(List.of(), 0));
    }

    @Test
    void watchingMoreThanTheLimitIsABadRequestThatKeepsTheConnection() throws Exception {
        start(b -> b.maxWatch(2));
        TestPeer a = loggedIn();
        List<PeerId> three = new ArrayList<>();
        for (int i = 0; i < 3; i++) three.add(IdentityKeyPair.generate().publicKey().peerId());
        a.ws.send(new Watch(three));
        assertThat(a.ws.expect(ErrorMessage.class).code()).isEqualTo(ErrorCode.BAD_REQUEST);
        a.ws.send(new Watch(three.subList(0, 2)));
        assertThat(a.ws.expect(Presence.class).peers()).hasSize(2);
    }

    @Test
    void aSecondAuthAfterLoginClosesThePolicyWay() throws Exception {
        start();
        TestPeer a = connect();
        Challenge ch = a.ws.expect(Challenge.class);
        Auth auth = a.authFor(ch);
        a.ws.send(auth);
        a.ws.expect(Welcome.class);
        a.ws.send(auth);
        assertThat(a.ws.expect(ErrorMessage.class).code()).isEqualTo(ErrorCode.NOT_AUTHENTICATED);
        assertThat(a.ws.awaitClose().code()).isEqualTo(CloseCodes.POLICY_VIOLATION);
    }
}
