package dev.parley.client.internal.security;

import dev.parley.protocol.codec.WireCodec;
import dev.parley.protocol.codec.WireException;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.Hashes;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.crypto.SdpProofPayload.Kind;
import dev.parley.protocol.signal.SdpProof;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionProofsTest {
    static final String SDP = "v=0\r\na=fingerprint:sha-256 AA:BB\r\n";
    final IdentityKeyPair alice = IdentityKeyPair.generate();
    final IdentityKeyPair bob = IdentityKeyPair.generate();
    final IdentityKeyPair mallory = IdentityKeyPair.generate();
    final MutableClock clock = new MutableClock();
    final SessionProofs aliceProofs = new SessionProofs(alice, clock);
    final SessionProofs bobProofs = new SessionProofs(bob, clock);
    final byte[] fpA = Hashes.sha256("a".getBytes());
    final byte[] fpB = Hashes.sha256("b".getBytes());
    final byte[] fpM = Hashes.sha256("m".getBytes());
    final byte[] session = new byte[16];

    SdpProof aliceOffer(long seq) {
        return aliceProofs.sign(Kind.OFFER, session, seq, bob.publicKey(), SDP, fpA, null);
    }

    @Test
    void offerAndAnswerVerifyBetweenTheTwoParties() throws Exception {
        assertThat(bobProofs.verify(alice.publicKey().peerId(), Kind.OFFER, SDP, aliceOffer(1), fpA, null))
                .isEqualTo(alice.publicKey());
        SdpProof answer = bobProofs.sign(Kind.ANSWER, session, 1, alice.publicKey(), SDP, fpB, fpA);
        assertThat(aliceProofs.verify(bob.publicKey().peerId(), Kind.ANSWER, SDP, answer, fpB, fpA))
                .isEqualTo(bob.publicKey());
    }

    @Test
    void swappedFingerprintIsDetected() {
        // A relay that puts its own certificate in the SDP also changes the SDP text and fp_self.
        assertThatThrownBy(() -> bobProofs.verify(alice.publicKey().peerId(), Kind.OFFER, SDP.replace("AA", "EE"), aliceOffer(1), fpM, null))
                .isInstanceOfSatisfying(ProofRejected.class, e -> assertThat(e.reason()).isEqualTo(ProofRejected.Reason.BAD_SIGNATURE));
    }

    @Test
    void answerForSomeoneElsesOfferIsDetected() {
        // Unknown-key-share: Bob's answer names the fingerprint he saw; it is not Alice's.
        SdpProof answer = bobProofs.sign(Kind.ANSWER, session, 1, alice.publicKey(), SDP, fpB, fpM);
        assertThatThrownBy(() -> aliceProofs.verify(bob.publicKey().peerId(), Kind.ANSWER, SDP, answer, fpB, fpA))
                .isInstanceOfSatisfying(ProofRejected.class, e -> assertThat(e.reason()).isEqualTo(ProofRejected.Reason.BAD_SIGNATURE));
    }

    @Test
    void offerMeantForAnotherRecipientIsRejected() {
        SdpProof toMallory = aliceProofs.sign(Kind.OFFER, session, 1, mallory.publicKey(), SDP, fpA, null);
        assertThatThrownBy(() -> bobProofs.verify(alice.publicKey().peerId(), Kind.OFFER, SDP, toMallory, fpA, null))
                .isInstanceOfSatisfying(ProofRejected.class, e -> assertThat(e.reason()).isEqualTo(ProofRejected.Reason.BAD_SIGNATURE));
    }

    @Test
    void proofSignedWithAnotherKeyThanTheSendersIsRejected() {
        SdpProof byMallory = new SessionProofs(mallory, clock).sign(Kind.OFFER, session, 1, bob.publicKey(), SDP, fpA, null);
        assertThatThrownBy(() -> bobProofs.verify(alice.publicKey().peerId(), Kind.OFFER, SDP, byMallory, fpA, null))
                .isInstanceOfSatisfying(ProofRejected.class, e -> assertThat(e.reason()).isEqualTo(ProofRejected.Reason.KEY_NOT_SENDERS));
    }

    @Test
    void replayedOfferIsRejected() throws Exception {
        SdpProof offer = aliceOffer(1);
        bobProofs.verify(alice.publicKey().peerId(), Kind.OFFER, SDP, offer, fpA, null);
        assertThatThrownBy(() -> bobProofs.verify(alice.publicKey().peerId(), Kind.OFFER, SDP, offer, fpA, null))
                .isInstanceOfSatisfying(ProofRejected.class, e -> assertThat(e.reason()).isEqualTo(ProofRejected.Reason.REPLAYED));
        // The next seq of the same session (a renegotiation) is fine.
        assertThat(aliceOffer(2)).satisfies(p -> bobProofs.verify(alice.publicKey().peerId(), Kind.OFFER, SDP, p, fpA, null));
    }

    @Test
    void offerOlderThanTheWindowIsRejectedEvenAfterTheReplayCacheForgot() {
        SdpProof offer = aliceOffer(1);
        clock.advance(Duration.ofSeconds(91));
        assertThatThrownBy(() -> bobProofs.verify(alice.publicKey().peerId(), Kind.OFFER, SDP, offer, fpA, null))
                .isInstanceOfSatisfying(ProofRejected.class, e -> assertThat(e.reason()).isEqualTo(ProofRejected.Reason.STALE));
    }

    @Test
    void unsignedOrMalformedProofIsRejected() {
        assertThatThrownBy(() -> bobProofs.verify(alice.publicKey().peerId(), Kind.OFFER, SDP, null, fpA, null))
                .isInstanceOfSatisfying(ProofRejected.class, e -> assertThat(e.reason()).isEqualTo(ProofRejected.Reason.MISSING_OR_MALFORMED));
        SdpProof p = aliceOffer(1);
        // A malformed proof cannot even be built or decoded: the shared codec refuses it before verify.
        assertThatThrownBy(() -> new SdpProof(p.publicKey(), "short", p.seq(), p.timestampMs(), p.signature()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sessionId");
        assertThatThrownBy(() -> bobProofs.verify(alice.publicKey().peerId(), Kind.OFFER, SDP, p, null, null))
                .isInstanceOfSatisfying(ProofRejected.class, e -> assertThat(e.reason()).isEqualTo(ProofRejected.Reason.BAD_FINGERPRINT));
    }

    @Test
    void anOfferSignedUnderASmallOrderKeyNeverReachesVerification() {
        // Under the identity point, R = B, S = 1 verifies for every message: the key must die at decoding.
        String forged = Base64Url.encode(Hashes.unhex("5866666666666666666666666666666666666666666666666666666666666666"
                + "0100000000000000000000000000000000000000000000000000000000000000"));
        String offer = "{\"type\":\"offer\",\"from\":\"" + alice.publicKey().peerId() + "\",\"to\":\""
                + bob.publicKey().peerId() + "\",\"sdp\":\"v=0\\r\\n\",\"proof\":{\"publicKey\":\"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\","
                + "\"sessionId\":\"AAECAwQFBgcICQoLDA0ODw\",\"seq\":1,\"timestampMs\":1,\"signature\":\"" + forged + "\"}}";
        assertThatThrownBy(() -> WireCodec.standard().decodeServer(offer))
                .isInstanceOfSatisfying(WireException.class, e -> {
                    assertThat(e.kind()).isEqualTo(WireException.Kind.BAD_VALUE);
                    assertThat(e.getMessage()).contains("small-order");
                });
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-11-24T12:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
