package dev.parley.protocol.signal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.IdentityKeyPair;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every message in docs/protocol.md survives JSON and back, and reads exactly as the document shows. */
class MessagesRoundTripTest {
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    static final IdentityKeyPair KEY = IdentityKeyPair.generate();
    static final PeerId A = KEY.publicKey().peerId();
    static final PeerId B = IdentityKeyPair.generate().publicKey().peerId();
    static final SdpProof PROOF = new SdpProof(KEY.publicKey(), "AAECAwQFBgcICQoLDA0ODw", 3, 1_700_000_000_000L, "c2ln");

    static <T> void roundTrips(Class<T> as, T message) throws Exception {
        String text = JSON.writeValueAsString(message);
        assertThat(JSON.readValue(text, as)).isEqualTo(message);
    }

    @Test
    void clientMessagesRoundTrip() throws Exception {
        for (ClientMessage m : List.of(
                new Auth(KEY.publicKey(), "bm9uY2U", "c2ln"),
                new Watch(List.of(A, B)),
                new Offer(B, null, "m1", "v=0\r\n", PROOF),
                new Answer(A, null, null, "v=0\r\n", PROOF),
                new Candidate(B, null, null, "AAECAwQFBgcICQoLDA0ODw", "candidate:1 1 udp 2122260223 192.0.2.2 50000 typ host", "0", 0),
                new Ping("7"),
                new GetIceServers())) {
            roundTrips(ClientMessage.class, m);
        }
    }

    @Test
    void serverMessagesRoundTrip() throws Exception {
        for (ServerMessage m : List.of(
                new Challenge(1, "bm9uY2U", 10_000),
                new Welcome(A, false, 20_000, 60_000, 30_000,
                        List.of(new IceServer(List.of("turn:192.0.2.2:3478?transport=udp"), "1700000000:" + A, "cGFzcw")),
                        3600, new Welcome.Limits(65536, 50, 200, 1000)),
                new Presence(List.of(new Presence.Entry(B, true))),
                new Offer(A, B, "m1", "v=0\r\n", PROOF),
                new Answer(A, B, null, "v=0\r\n", PROOF),
                new Candidate(A, B, null, null, "", null, null),
                new Pong("7"),
                new IceServers(List.of(new IceServer(List.of("stun:192.0.2.2:3478"), null, null)), 0),
                new ErrorMessage(ErrorCode.PEER_OFFLINE, "peer is offline", "m1"),
                new GoingAway("restart", 2000))) {
            roundTrips(ServerMessage.class, m);
        }
    }

    @Test
    void wireFormLooksLikeTheDocument() throws Exception {
        assertThat(JSON.writeValueAsString(new Ping("7"))).isEqualTo("{\"type\":\"ping\",\"id\":\"7\"}");
        assertThat(JSON.writeValueAsString(new GetIceServers())).isEqualTo("{\"type\":\"get-ice-servers\"}");
        assertThat(JSON.writeValueAsString(new ErrorMessage(ErrorCode.PEER_OFFLINE, "x", null)))
                .isEqualTo("{\"type\":\"error\",\"code\":\"peer_offline\",\"message\":\"x\"}");
        String offer = JSON.writeValueAsString(new Offer(B, null, null, "v=0", PROOF));
        assertThat(offer).startsWith("{\"type\":\"offer\",\"to\":\"" + B + "\"").doesNotContain("from");
    }

    @Test
    void relayStampsFromWithoutTouchingTheRest() {
        Offer sent = new Offer(B, null, "m1", "v=0", PROOF);
        assertThat(sent.withFrom(A)).isEqualTo(new Offer(B, A, "m1", "v=0", PROOF));
    }

    @Test
    void rejectsUnknownTypesFieldsDuplicatesAndBadIds() {
        assertThatThrownBy(() -> JSON.readValue("{\"type\":\"shutdown\"}", ClientMessage.class))
                .hasMessageContaining("shutdown");
        assertThatThrownBy(() -> JSON.readValue("{\"type\":\"ping\",\"id\":\"1\",\"admin\":true}", ClientMessage.class))
                .hasMessageContaining("admin");
        assertThatThrownBy(() -> JSON.readValue("{\"type\":\"ping\",\"id\":\"1\",\"id\":\"2\"}", ClientMessage.class))
                .hasMessageContaining("Duplicate");
        assertThatThrownBy(() -> JSON.readValue("{\"type\":\"watch\",\"peers\":[\"../etc\"]}", ClientMessage.class))
                .hasMessageContaining("not a peer id");
        // A server-only message is not something a client may send.
        assertThatThrownBy(() -> JSON.readValue("{\"type\":\"welcome\"}", ClientMessage.class))
                .hasMessageContaining("welcome");
    }
}
