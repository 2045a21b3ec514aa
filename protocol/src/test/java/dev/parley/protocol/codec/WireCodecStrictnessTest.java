package dev.parley.protocol.codec;

import dev.parley.protocol.peer.FileAccept;
import dev.parley.protocol.peer.PeerMessage;
import dev.parley.protocol.signal.Auth;
import dev.parley.protocol.signal.Candidate;
import dev.parley.protocol.signal.DeliveryMark;
import dev.parley.protocol.signal.ClientMessage;
import dev.parley.protocol.signal.Offer;
import dev.parley.protocol.signal.Ping;
import dev.parley.protocol.signal.ServerMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static dev.parley.protocol.codec.Samples.A;
import static dev.parley.protocol.codec.Samples.B;
import static dev.parley.protocol.codec.Samples.SESSION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the codec refuses and what it tolerates, rule by rule of docs/protocol.md § Conventions and § Messages. */
class WireCodecStrictnessTest {
    static final WireCodec CODEC = WireCodec.standard();
    static final String PROOF = "{\"publicKey\":\"" + Samples.KEY.publicKey().toBase64Url() + "\",\"sessionId\":\"" + SESSION
            + "\",\"seq\":1,\"timestampMs\":1700000000000,\"signature\":\"" + Samples.SIG + "\"}";

    static WireException refusedAsClient(String text) {
        try {
            ClientMessage m = CODEC.decodeClient(text);
            throw new AssertionError("accepted " + text + " as " + m);
        } catch (WireException e) {
            return e;
        }
    }

    static void malformed(String text, String why) {
        WireException e = refusedAsClient(text);
        assertThat(e.kind()).as(text).isEqualTo(WireException.Kind.MALFORMED);
        assertThat(e.getMessage()).as(text).containsIgnoringCase(why);
    }

    static void badValue(String text, String why) {
        WireException e = refusedAsClient(text);
        assertThat(e.kind()).as(text + ": " + e.getMessage()).isEqualTo(WireException.Kind.BAD_VALUE);
        assertThat(e.getMessage()).as(text).contains(why);
    }

    @Test
    void unknownTypesFieldsDuplicatesAndTrailingDataAreMalformed() {
        malformed("{\"type\":\"shutdown\"}", "message type");
        malformed("{\"type\":\"ping\",\"id\":\"1\",\"admin\":true}", "admin");
        malformed("{\"type\":\"ping\",\"id\":\"1\",\"id\":\"2\"}", "duplicate");
        malformed("{\"type\":\"ping\"} {\"type\":\"ping\"}", "");
        malformed("null", "one JSON object");
        malformed("{\"type\":\"welcome\"}", "message type"); // a server message is not a client's to send
        malformed("{\"type\":\"watch\",\"peers\":" + "[".repeat(100) + "]".repeat(100) + "}", "PeerId");
        malformed("{\"type\":\"challenge\",\"version\":\"1\"}", "");
    }

    @Test
    void aClientSetFromIsSpoofedEvenWhenNull() {
        WireException e = refusedAsClient("{\"type\":\"candidate\",\"from\":null,\"to\":\"" + B + "\",\"sessionId\":\"" + SESSION
                + "\",\"candidate\":\"\"}");
        assertThat(e.kind()).isEqualTo(WireException.Kind.SPOOFED_FROM);
    }

    @Test
    void deliveryMarksArePrintableAsciiUpTo128AndParseAsNodeAndInboxEntry() throws Exception {
        String auth = "{\"type\":\"auth\",\"publicKey\":\"" + Samples.KEY.publicKey().toBase64Url() + "\",\"nonce\":\"n\",\"signature\":\"s\"";
        assertThat(((Auth) CODEC.decodeClient(auth + ",\"mark\":\"n3 1764762351123-4\"}")).mark()).isEqualTo("n3 1764762351123-4");
        assertThat(((Auth) CODEC.decodeClient(auth + "}")).mark()).isNull();
        badValue(auth + ",\"mark\":\"\"}", "'mark' must be 1 to 128 printable ASCII");
        badValue(auth + ",\"mark\":\"" + "x".repeat(129) + "\"}", "'mark' must be 1 to 128 printable ASCII");
        badValue(auth + ",\"mark\":\"n3\\n1-0\"}", "'mark' must be 1 to 128 printable ASCII");
        assertThat(DeliveryMark.parse("n3 1764762351123-4")).isEqualTo(new DeliveryMark.Parsed("n3", "1764762351123-4"));
        assertThat(DeliveryMark.parse("node with spaces 5-0")).isEqualTo(new DeliveryMark.Parsed("node with spaces", "5-0"));
        for (String odd : new String[]{"n3", "n3 ", " 1-0", "n3 1-", "n3 -1", "n3 1-0x", "n3 12", "n3 1-2-3", "n3 " + "9".repeat(40) + "-0"}) {
            assertThat(DeliveryMark.parse(odd)).as(odd).isNull(); // not a mark this server made: no redelivery filter
        }
        assertThat(DeliveryMark.parse(null)).isNull();
    }

    @Test
    void relayedMessagesFollowTheDocumentedSchema() {
        String to = "\"to\":\"" + B + "\"";
        badValue("{\"type\":\"offer\"," + to + ",\"sdp\":\"v=0\"}", "'proof' is required");
        badValue("{\"type\":\"answer\"," + to + ",\"sdp\":\"v=0\"}", "'proof' is required");
        badValue("{\"type\":\"offer\",\"sdp\":\"v=0\",\"proof\":" + PROOF + "}", "'to' is required");
        badValue("{\"type\":\"offer\",\"to\":\"HH3RHUFGIQST6BCSSQQ3T5I3TMEJPHII\",\"sdp\":\"v=0\",\"proof\":" + PROOF + "}", "not a peer id");
        badValue("{\"type\":\"offer\",\"to\":\"../etc\",\"sdp\":\"v=0\",\"proof\":" + PROOF + "}", "not a peer id");
        badValue("{\"type\":\"offer\"," + to + ",\"proof\":" + PROOF + "}", "'sdp' is required");
        badValue("{\"type\":\"offer\"," + to + ",\"id\":\"" + "x".repeat(65) + "\",\"sdp\":\"v=0\",\"proof\":" + PROOF + "}", "'id'");
        badValue("{\"type\":\"offer\"," + to + ",\"sdp\":\"v=0\",\"proof\":" + PROOF.replace(Samples.SIG, "c2ln") + "}", "signature");
        badValue("{\"type\":\"candidate\"," + to + ",\"candidate\":\"\"}", "'sessionId' is required");
        badValue("{\"type\":\"candidate\"," + to + ",\"sessionId\":\"c2hvcnQ\",\"candidate\":\"\"}", "sessionId must be 16 bytes");
        badValue("{\"type\":\"candidate\"," + to + ",\"sessionId\":\"" + SESSION + "\"}", "'candidate' is required");
        badValue("{\"type\":\"candidate\"," + to + ",\"sessionId\":\"" + SESSION + "\",\"candidate\":\"\",\"sdpMLineIndex\":-1}", "sdpMLineIndex");
        badValue("{\"type\":\"watch\",\"peers\":[\"../etc\"]}", "not a peer id");
        badValue("{\"type\":\"ping\",\"id\":\"tab\\there\"}", "'id'");
    }

    @Test
    void aBadValueCarriesTheIdForTheErrorsRef() {
        WireException e = refusedAsClient("{\"type\":\"offer\",\"id\":\"o-1\",\"to\":\"" + B + "\",\"sdp\":\"v=0\"}");
        assertThat(e.id()).isEqualTo("o-1");
        assertThat(e.type()).isEqualTo("offer");
        // also when the bad value comes before the id
        e = refusedAsClient("{\"type\":\"candidate\",\"to\":\"nobody\",\"id\":\"c-1\",\"sessionId\":\"" + SESSION + "\",\"candidate\":\"\"}");
        assertThat(e.kind()).isEqualTo(WireException.Kind.BAD_VALUE);
        assertThat(e.id()).isEqualTo("c-1");
        assertThat(refusedAsClient("{\"type\":\"ping\",\"id\":\"" + "x".repeat(65) + "\"}").id()).isNull();
    }

    @Test
    void candidatesTakeWhatABrowsersToJsonEmits() throws Exception {
        // JSON.stringify({type, to, sessionId, ...candidate.toJSON()}) in Chrome and Firefox.
        String browser = "{\"type\":\"candidate\",\"to\":\"" + B + "\",\"sessionId\":\"" + SESSION + "\","
                + "\"candidate\":\"candidate:1 1 udp 2122260223 5d1b0e8c-7d1e-4c39-9b4e-2a7b4b8b1c3e.local 50000 typ host\","
                + "\"sdpMid\":\"0\",\"sdpMLineIndex\":0,\"usernameFragment\":\"a1b2\"}";
        Candidate c = (Candidate) CODEC.decodeClient(browser);
        assertThat(c.usernameFragment()).isEqualTo("a1b2");
        assertThat(c.endOfCandidates()).isFalse();
        // toJSON() gives null for attributes the stack does not know: null is taken as absent.
        Candidate end = (Candidate) CODEC.decodeClient("{\"type\":\"candidate\",\"to\":\"" + B + "\",\"sessionId\":\"" + SESSION
                + "\",\"candidate\":\"\",\"sdpMid\":null,\"sdpMLineIndex\":null,\"usernameFragment\":null}");
        assertThat(end).isEqualTo(new Candidate(B, null, null, SESSION, "", null, null));
        assertThat(end.endOfCandidates()).isTrue();
        // ...but nothing else is added to the schema.
        malformed(browser.replace("\"usernameFragment\"", "\"relayProtocol\""), "relayProtocol");
    }

    @Test
    void aClientReadingTheServerIgnoresWhatANewerServerAdds() throws Exception {
        assertThat(CODEC.decodeServer("{\"type\":\"pong\",\"id\":\"1\",\"newField\":{\"a\":[1]}}")).isEqualTo(new dev.parley.protocol.signal.Pong("1"));
        assertThat(CODEC.decodeServer("{\"type\":\"room-update\",\"x\":1}")).isNull();
        assertThatThrownBy(() -> CODEC.decodeServerStrict("{\"type\":\"pong\",\"id\":\"1\",\"newField\":1}")).isInstanceOf(WireException.class);
        // Tolerance is about additions only: limits, duplicates and the schema still hold.
        assertThatThrownBy(() -> CODEC.decodeServer("{\"type\":\"pong\",\"x\":" + "[".repeat(40) + "]".repeat(40) + "}"))
                .isInstanceOf(WireException.class).hasMessageContaining("structural limits");
        assertThatThrownBy(() -> CODEC.decodeServer("{\"type\":\"pong\",\"id\":\"1\",\"id\":\"2\"}"))
                .isInstanceOf(WireException.class).hasMessageContaining("Duplicate");
        assertThatThrownBy(() -> CODEC.decodeServer("{\"type\":\"offer\",\"from\":\"" + A + "\",\"to\":\"" + B + "\",\"sdp\":\"v=0\"}"))
                .isInstanceOf(WireException.class).hasMessageContaining("'proof' is required");
        ServerMessage relayed = CODEC.decodeServer("{\"type\":\"offer\",\"from\":\"" + A + "\",\"to\":\"" + B + "\",\"sdp\":\"v=0\",\"proof\":" + PROOF + "}");
        assertThat(((Offer) relayed).from()).isEqualTo(A);
    }

    @Test
    void peersIgnoreUnknownTypesAndFieldsButNotBrokenOnes() throws Exception {
        assertThat(CODEC.decodePeer("{\"type\":\"reaction\",\"emoji\":\"x\"}".getBytes(StandardCharsets.UTF_8))).isNull();
        String accept = "{\"type\":\"file-accept\",\"transferId\":\"" + Samples.ID + "\",\"offset\":7,\"later\":true}";
        assertThat(CODEC.decodePeer(accept.getBytes(StandardCharsets.UTF_8))).isEqualTo(new FileAccept(Samples.ID, 7, null));
        assertThatThrownBy(() -> CODEC.decodePeerStrict(accept)).isInstanceOf(WireException.class);
        assertThatThrownBy(() -> CODEC.decodePeer("{\"type\":\"call-accept\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(WireException.class).extracting(e -> ((WireException) e).kind()).isEqualTo(WireException.Kind.BAD_VALUE);
        assertThatThrownBy(() -> CODEC.decodePeer("{\"type\":\"typing\",\"active\":\"yes\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(WireException.class);
        PeerMessage m = CODEC.decodePeer(CODEC.encodePeer(new dev.parley.protocol.peer.Typing(true)).getBytes(StandardCharsets.UTF_8));
        assertThat(m).isEqualTo(new dev.parley.protocol.peer.Typing(true));
    }

    @Test
    void aGroupCallStateWithoutMutedIsNotMutedAndNotMutedIsWrittenWithoutTheField() throws Exception {
        String base = "{\"type\":\"group-call\",\"group\":\"" + Samples.GROUP_CREATE.group().value() + "\",\"callId\":\""
                + Samples.ID + "\",\"startedAtMs\":1700000000000,\"in\":true";
        var plain = (dev.parley.protocol.peer.GroupCallState) CODEC.decodePeerStrict(base + "}");
        assertThat(plain.saysMuted()).isFalse();
        var unmuted = (dev.parley.protocol.peer.GroupCallState) CODEC.decodePeerStrict(base + ",\"muted\":false}");
        assertThat(unmuted).isEqualTo(plain);
        assertThat(CODEC.encodePeer(unmuted)).isEqualTo(base + "}");
        var muted = (dev.parley.protocol.peer.GroupCallState) CODEC.decodePeerStrict(base + ",\"muted\":true}");
        assertThat(muted.saysMuted()).isTrue();
        assertThat(CODEC.encodePeer(muted)).isEqualTo(base + ",\"muted\":true}");
        // Leaving is never "muted".
        assertThat(new dev.parley.protocol.peer.GroupCallState(plain.group(), plain.callId(), 1, false, true).saysMuted()).isFalse();
        assertThatThrownBy(() -> CODEC.decodePeer((base + ",\"muted\":\"yes\"}").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(WireException.class);
    }

    @Test
    void theDocumentedWireFormIsWhatIsWritten() {
        assertThat(CODEC.encodeClient(new Ping("7"))).isEqualTo("{\"type\":\"ping\",\"id\":\"7\"}");
        assertThat(CODEC.encodeClient(new dev.parley.protocol.signal.GetIceServers())).isEqualTo("{\"type\":\"get-ice-servers\"}");
        assertThat(CODEC.encodeServer(new dev.parley.protocol.signal.ErrorMessage(dev.parley.protocol.signal.ErrorCode.PEER_OFFLINE, "x", null)))
                .isEqualTo("{\"type\":\"error\",\"code\":\"peer_offline\",\"message\":\"x\"}");
        assertThat(CODEC.encodeClient(new Offer(B, null, null, "v=0", Samples.PROOF)))
                .startsWith("{\"type\":\"offer\",\"to\":\"" + B + "\"").doesNotContain("from");
    }
}
