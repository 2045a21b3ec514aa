package dev.parley.bench;

import dev.parley.protocol.crypto.AuthPayload;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.signal.Auth;
import dev.parley.protocol.signal.Candidate;
import dev.parley.protocol.signal.ClientMessage;
import dev.parley.protocol.signal.Offer;
import dev.parley.protocol.signal.ServerMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class WireTest {
    static final IdentityKeyPair A = IdentityKeyPair.generate(), B = IdentityKeyPair.generate();

    @Test
    void authSignsTheDialedAuthority() throws Exception {
        byte[] nonce = new byte[32];
        new Random(1).nextBytes(nonce);
        String n = Base64Url.encode(nonce);
        byte[] json = Wire.auth(A, "127.0.0.1:8443", n);
        Auth auth = (Auth) Wire.CODEC.decodeClient(new String(json, StandardCharsets.UTF_8));
        assertThat(auth.nonce()).isEqualTo(n);
        assertThat(auth.publicKey()).isEqualTo(A.publicKey());
        assertThat(A.publicKey().verify(AuthPayload.bytes("127.0.0.1:8443", nonce, A.publicKey()),
                Base64Url.decode("signature", auth.signature(), 64))).isTrue();
    }

    @Test
    void templatesAreValidClientMessagesOfTheIntendedSizes() throws Exception {
        Random rnd = new Random(7);
        Wire.Template offer = Wire.offer(A, B, 3000, rnd);
        Wire.Template cand = Wire.candidate(B.publicKey().peerId(), rnd);
        assertThat(offer.length()).isBetween(2048, 4096);
        assertThat(cand.length()).isBetween(200, 320);
        for (Wire.Template t : new Wire.Template[]{offer, cand}) {
            byte[] b = t.json().clone();
            Wire.writeId(b, t.idPos(), 123_456_789L, 987_654_321_012_345L);
            String s = new String(b, StandardCharsets.UTF_8);
            assertThat(s).doesNotContain("\"from\"");
            ClientMessage m = Wire.CODEC.decodeClient(new String(b, StandardCharsets.UTF_8));
            String id = m instanceof Offer o ? o.id() : ((Candidate) m).id();
            assertThat(id).isEqualTo("b123456789t987654321012345");
            assertThat(Wire.readId(id.getBytes(), 0, id.length())).containsExactly(123_456_789L, 987_654_321_012_345L);
        }
    }

    @Test
    void scannerFindsFieldsInWhatTheServerWouldSend() throws Exception {
        Wire.Template offer = Wire.offer(A, B, 3000, new Random(3));
        byte[] b = offer.json().clone();
        Wire.writeId(b, offer.idPos(), 5, 6);
        Offer sent = (Offer) Wire.CODEC.decodeClient(new String(b, StandardCharsets.UTF_8));
        // the server re-serializes with from stamped; field order and spacing are its business
        byte[] delivered = Wire.CODEC.encodeServer(sent.withFrom(A.publicKey().peerId())).getBytes(StandardCharsets.UTF_8);
        String spaced = new String(delivered, StandardCharsets.UTF_8).replace("\":", "\" : ");
        for (byte[] d : new byte[][]{delivered, spaced.getBytes(StandardCharsets.UTF_8)}) {
            assertThat(Wire.equalsAscii(d, Wire.stringField(d, 0, d.length, Wire.K_TYPE), "offer")).isTrue();
            assertThat(Wire.equalsAscii(d, Wire.stringField(d, 0, d.length, Wire.K_FROM), A.publicKey().peerId().value())).isTrue();
            int[] id = Wire.stringField(d, 0, d.length, Wire.K_ID);
            assertThat(Wire.readId(d, id[0], id[1] - id[0])).containsExactly(5L, 6L);
        }
    }
}
