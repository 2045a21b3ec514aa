package dev.parley.protocol.crypto;

import dev.parley.protocol.PeerId;
import org.junit.jupiter.api.Test;

import static dev.parley.protocol.crypto.Hashes.hex;
import static dev.parley.protocol.crypto.Hashes.unhex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The vectors published in docs/protocol.md, so an independent client can check its peer ids, auth
 * signatures, SDP proofs and safety numbers against ours. If one of these changes, the document is wrong.
 */
class TestVectorsTest {
    // RFC 8032 TEST 1 and TEST 2 keys: public, well known, handy as "Alice" and "Bob".
    static final IdentityKeyPair ALICE = IdentityKeyPair.fromSeed(unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
    static final IdentityKeyPair BOB = IdentityKeyPair.fromSeed(unhex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"));

    @Test
    void peerIdIsBase32OfTheKeyHash() {
        assertThat(ALICE.publicKey().peerId().value()).isEqualTo(Vectors.ALICE_PEER_ID);
        assertThat(BOB.publicKey().peerId().value()).isEqualTo(Vectors.BOB_PEER_ID);
        assertThat(ALICE.publicKey().toBase64Url()).isEqualTo("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
    }

    @Test
    void authPayloadAndSignature() {
        byte[] nonce = new byte[32];
        for (int i = 0; i < 32; i++) nonce[i] = (byte) i;
        byte[] payload = AuthPayload.bytes("signal.example:8443", nonce, ALICE.publicKey());

        assertThat(hex(payload)).isEqualTo(Vectors.AUTH_PAYLOAD_HEX);
        assertThat(Base64Url.encode(ALICE.sign(payload))).isEqualTo(Vectors.AUTH_SIGNATURE);
    }

    @Test
    void sdpProofPayloadAndSignature() {
        byte[] session = unhex("000102030405060708090a0b0c0d0e0f");
        byte[] fpAlice = Hashes.sha256("alice-cert".getBytes());
        byte[] fpBob = Hashes.sha256("bob-cert".getBytes());
        byte[] offer = SdpProofPayload.bytes(SdpProofPayload.Kind.OFFER, session, 1, ALICE.publicKey(), BOB.publicKey(),
                fpAlice, null, 1_700_000_000_000L, "v=0\r\n");
        byte[] answer = SdpProofPayload.bytes(SdpProofPayload.Kind.ANSWER, session, 1, BOB.publicKey(), ALICE.publicKey(),
                fpBob, fpAlice, 1_700_000_000_500L, "v=0\r\n");

        assertThat(Base64Url.encode(Hashes.sha256(offer))).isEqualTo(Vectors.SDP_OFFER_PAYLOAD_SHA256);
        assertThat(Base64Url.encode(ALICE.sign(offer))).isEqualTo(Vectors.SDP_OFFER_SIGNATURE);
        assertThat(Base64Url.encode(Hashes.sha256(answer))).isEqualTo(Vectors.SDP_ANSWER_PAYLOAD_SHA256);
    }

    @Test
    void safetyNumberIsTheSameFromBothSides() {
        String ab = SafetyNumber.of(ALICE.publicKey(), BOB.publicKey());

        assertThat(ab).isEqualTo(SafetyNumber.of(BOB.publicKey(), ALICE.publicKey())).hasSize(60).containsOnlyDigits();
        assertThat(ab).isEqualTo(Vectors.SAFETY_NUMBER_ALICE_BOB);
        assertThat(SafetyNumber.formatted(ab).split("\\s")).hasSize(12);
    }

    @Test
    void peerIdRejectsAnythingButItsOwnForm() {
        assertThatThrownBy(() -> PeerId.of("ABC")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PeerId.of("0".repeat(32))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PeerId.of(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IdentityKey.fromBase64Url("AAAA")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Base64Url.decode("x", "ab==")).hasMessageContaining("unpadded");
    }

    @Test
    void authorityDropsDefaultPortsOnly() {
        assertThat(AuthPayload.authority("Example.ORG", 80, false)).isEqualTo("example.org");
        assertThat(AuthPayload.authority("example.org", 443, true)).isEqualTo("example.org");
        assertThat(AuthPayload.authority("example.org", 443, false)).isEqualTo("example.org:443");
        assertThat(AuthPayload.authority("::1", 8080, false)).isEqualTo("[::1]:8080");
        assertThat(AuthPayload.authority("localhost", -1, false)).isEqualTo("localhost");
    }
}
