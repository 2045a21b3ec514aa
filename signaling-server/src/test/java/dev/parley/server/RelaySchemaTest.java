package dev.parley.server;

import dev.parley.protocol.signal.Candidate;
import dev.parley.protocol.signal.ErrorCode;
import dev.parley.protocol.signal.ErrorMessage;
import dev.parley.protocol.signal.Offer;
import dev.parley.protocol.signal.Ping;
import dev.parley.protocol.signal.Pong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay schema of docs/protocol.md § Messages, enforced by the shared codec at the server: what a
 * real WebRTC stack sends is relayed, what breaks the schema is refused with the documented code and
 * never reaches the target, and the sender's connection survives a bad value.
 */
class RelaySchemaTest extends ServerTestSupport {
    static final String SESSION = PROOF.sessionId();
    TestPeer a;
    TestPeer b;

    @BeforeEach
    void pair() throws Exception {
        start();
        a = loggedIn();
        b = loggedIn();
    }

    /** The sender still has its connection, and everything before the ping has been answered. */
    private void senderStillServed(TestPeer p) throws Exception {
        p.ws.send(new Ping("alive"));
        assertThat(p.ws.expect(Pong.class).id()).isEqualTo("alive");
    }

    private int sentinels;

    /**
     * Nothing reached {@code to} before this valid offer (its next message is the offer). Each sentinel has
     * an id of its own: a repeated (sender, id) would be dropped as a retry (docs/protocol.md § Retrying a relay).
     */
    private void nothingRelayedBefore(TestPeer from, TestPeer to) throws Exception {
        String id = "sentinel-" + ++sentinels;
        from.ws.send(new Offer(to.id(), null, id, "v=0\r\n", PROOF));
        assertThat(to.ws.expect(Offer.class).id()).isEqualTo(id);
        to.ws.assertExhausted();
    }

    private void badRequest(String text, String ref, String why) throws Exception {
        a.ws.send(text);
        ErrorMessage e = a.ws.expect(ErrorMessage.class);
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(e.ref()).isEqualTo(ref);
        assertThat(e.message()).contains(why);
        senderStillServed(a);
        nothingRelayedBefore(a, b);
    }

    @Test
    void aBrowsersCandidateWithUsernameFragmentIsRelayedAndTheSenderStays() throws Exception {
        String browser = "{\"type\":\"candidate\",\"to\":\"" + b.id() + "\",\"sessionId\":\"" + SESSION + "\","
                + "\"candidate\":\"candidate:3197245390 1 udp 2113937151 5d1b0e8c-7d1e-4c39-9b4e-2a7b4b8b1c3e.local 56135 typ host\","
                + "\"sdpMid\":\"0\",\"sdpMLineIndex\":0,\"usernameFragment\":\"9XgA\"}";
        a.ws.send(browser);
        Candidate got = b.ws.expect(Candidate.class);
        assertThat(got.from()).isEqualTo(a.id());
        assertThat(got.usernameFragment()).isEqualTo("9XgA");
        assertThat(got.candidate()).contains(".local");
        // End of candidates, the way toJSON() writes attributes it lacks.
        a.ws.send("{\"type\":\"candidate\",\"to\":\"" + b.id() + "\",\"sessionId\":\"" + SESSION
                + "\",\"candidate\":\"\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0,\"usernameFragment\":null}");
        assertThat(b.ws.expect(Candidate.class).endOfCandidates()).isTrue();
        senderStillServed(a);
        a.ws.assertExhausted();
        assertThat(a.ws.closed).isNotDone();
    }

    @Test
    void anOfferWithoutAProofIsABadRequestNamingItsId() throws Exception {
        badRequest("{\"type\":\"offer\",\"to\":\"" + b.id() + "\",\"id\":\"o-1\",\"sdp\":\"v=0\\r\\n\"}", "o-1", "'proof' is required");
    }

    @Test
    void aCandidateWithoutASessionIdIsABadRequest() throws Exception {
        badRequest("{\"type\":\"candidate\",\"to\":\"" + b.id() + "\",\"id\":\"c-1\",\"candidate\":\"\"}", "c-1", "'sessionId' is required");
    }

    @Test
    void aMalformedPeerIdIsABadRequest() throws Exception {
        String upper = b.id().value().toUpperCase(java.util.Locale.ROOT);
        badRequest("{\"type\":\"offer\",\"to\":\"" + upper + "\",\"id\":\"o-2\",\"sdp\":\"v=0\",\"proof\":"
                + RecordingClient.CODEC.encodeClient(new Offer(b.id(), null, null, "v=0", PROOF)).replaceAll("^.*\"proof\":", ""),
                "o-2", "not a peer id");
        badRequest("{\"type\":\"candidate\",\"to\":\"" + b.id().value().substring(1) + "\",\"sessionId\":\"" + SESSION
                + "\",\"candidate\":\"\"}", null, "not a peer id");
    }

    @Test
    void anIdOverSixtyFourCharactersIsABadRequest() throws Exception {
        badRequest("{\"type\":\"candidate\",\"to\":\"" + b.id() + "\",\"id\":\"" + "x".repeat(65) + "\",\"sessionId\":\"" + SESSION
                + "\",\"candidate\":\"\"}", null, "'id'");
    }

    @Test
    void relayingToYourselfIsRefusedAndNothingComesBack() throws Exception {
        a.ws.send(new Offer(a.id(), null, "self-1", "v=0\r\n", PROOF));
        ErrorMessage e = a.ws.expect(ErrorMessage.class);
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(e.ref()).isEqualTo("self-1");
        assertThat(e.message()).contains("yourself");
        a.ws.send(new Candidate(a.id(), null, "self-2", SESSION, "", null, null));
        assertThat(a.ws.expect(ErrorMessage.class).ref()).isEqualTo("self-2");
        senderStillServed(a); // no offer or candidate of its own came back before the pong
        a.ws.assertExhausted();
        nothingRelayedBefore(a, b);
    }

    @Test
    void anUnknownCandidateFieldIsStillMalformed() throws Exception {
        a.ws.send("{\"type\":\"candidate\",\"to\":\"" + b.id() + "\",\"sessionId\":\"" + SESSION
                + "\",\"candidate\":\"\",\"relayProtocol\":\"udp\"}");
        ErrorMessage e = a.ws.expect(ErrorMessage.class);
        assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED);
        assertThat(e.message()).contains("relayProtocol");
        assertThat(a.ws.awaitClose().code()).isEqualTo(ErrorCode.MALFORMED.closeCode());
        b.ws.assertExhausted();
    }
}
