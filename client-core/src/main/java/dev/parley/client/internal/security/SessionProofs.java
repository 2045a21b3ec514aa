package dev.parley.client.internal.security;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.IdentityKey;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.crypto.SdpProofPayload;
import dev.parley.protocol.crypto.SdpProofPayload.Kind;
import dev.parley.protocol.signal.SdpProof;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Signs our offers and answers and verifies the peer's (docs/protocol.md § Signed session
 * descriptions): binds the DTLS fingerprint to identity keys, names both parties, and rejects replays.
 * Thread-safe. Pinning the key to the contact (TOFU) is the caller's next step after {@link #verify}.
 */
public final class SessionProofs {
    /** Accepted clock difference between signer and verifier, either way. */
    public static final Duration WINDOW = Duration.ofSeconds(90);
    /** Replay entries are kept longer than the window, so an old proof is caught by one check or the other. */
    static final Duration REPLAY_RETENTION = WINDOW.multipliedBy(2);
    static final int MAX_REPLAY_ENTRIES = 100_000;

    private final IdentityKeyPair me;
    private final Clock clock;
    /** Key: IK ‖ sessionId ‖ seq; value: expiry in ms. Insertion order = expiry order (fixed retention). */
    private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();

    public SessionProofs(IdentityKeyPair me, Clock clock) {
        this.me = Objects.requireNonNull(me);
        this.clock = Objects.requireNonNull(clock);
    }

    public IdentityKey myKey() {
        return me.publicKey();
    }

    /** Signs one of our descriptions. {@code fpPeer} is the offer's fingerprint when answering, else null. */
    public SdpProof sign(Kind kind, byte[] sessionId, long seq, IdentityKey to, String sdp, byte[] fpSelf, byte[] fpPeer) {
        long now = clock.millis();
        byte[] payload = SdpProofPayload.bytes(kind, sessionId, seq, me.publicKey(), to, fpSelf, fpPeer, now, sdp);
        return new SdpProof(me.publicKey(), Base64Url.encode(sessionId), seq, now, Base64Url.encode(me.sign(payload)));
    }

    /**
     * Checks a received description before it may be applied; returns the sender's proven key.
     *
     * @param from        the sender as stamped by the server
     * @param fpInSdp     the single sha-256 fingerprint of {@code sdp} (null if it had none or several)
     * @param myFp        our own certificate fingerprint; required when {@code kind} is an answer
     */
    public IdentityKey verify(PeerId from, Kind kind, String sdp, SdpProof proof, byte[] fpInSdp, byte[] myFp)
            throws ProofRejected {
        if (proof == null || proof.publicKey() == null || proof.sessionId() == null || proof.signature() == null) {
            throw new ProofRejected(ProofRejected.Reason.MISSING_OR_MALFORMED, "the " + kind.wire() + " is not signed");
        }
        IdentityKey key = proof.publicKey();
        if (!key.peerId().equals(from)) {
            throw new ProofRejected(ProofRejected.Reason.KEY_NOT_SENDERS,
                    "the " + kind.wire() + " from " + from.shortForm() + " is signed with another peer's key (" + key.peerId().shortForm() + ")");
        }
        if (fpInSdp == null || fpInSdp.length != SdpProofPayload.FINGERPRINT_LENGTH) {
            throw new ProofRejected(ProofRejected.Reason.BAD_FINGERPRINT, "the " + kind.wire() + " has no single sha-256 DTLS fingerprint");
        }
        if (kind == Kind.ANSWER && (myFp == null || myFp.length != SdpProofPayload.FINGERPRINT_LENGTH)) {
            throw new IllegalStateException("verifying an answer needs our own fingerprint");
        }
        byte[] sessionId, signature;
        try {
            sessionId = Base64Url.decode("sessionId", proof.sessionId(), SdpProofPayload.SESSION_ID_LENGTH);
            signature = Base64Url.decode("signature", proof.signature(), 64);
        } catch (IllegalArgumentException e) {
            throw new ProofRejected(ProofRejected.Reason.MISSING_OR_MALFORMED, "malformed proof: " + e.getMessage());
        }
        long now = clock.millis();
        if (Math.abs(now - proof.timestampMs()) > WINDOW.toMillis()) {
            throw new ProofRejected(ProofRejected.Reason.STALE, "the " + kind.wire() + " was signed "
                    + Duration.ofMillis(Math.abs(now - proof.timestampMs())).toSeconds() + " s away from our clock (limit 90 s)");
        }
        byte[] payload = SdpProofPayload.bytes(kind, sessionId, proof.seq(), key, me.publicKey(), fpInSdp,
                kind == Kind.ANSWER ? myFp : null, proof.timestampMs(), sdp);
        if (!key.verify(payload, signature)) {
            throw new ProofRejected(ProofRejected.Reason.BAD_SIGNATURE,
                    "the " + kind.wire() + " signature does not match: it was altered in transit or not meant for us");
        }
        String replayKey = key.toBase64Url() + '/' + proof.sessionId() + '/' + proof.seq();
        synchronized (seen) {
            expire(now);
            if (seen.containsKey(replayKey)) {
                throw new ProofRejected(ProofRejected.Reason.REPLAYED, "the " + kind.wire() + " is a replay (session "
                        + proof.sessionId() + ", seq " + proof.seq() + " seen before)");
            }
            seen.put(replayKey, now + REPLAY_RETENTION.toMillis());
            if (seen.size() > MAX_REPLAY_ENTRIES) {
                // Shedding the oldest entry is safe only past the window; refuse rather than forget.
                Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator();
                Map.Entry<String, Long> oldest = it.next();
                if (oldest.getValue() - REPLAY_RETENTION.toMillis() + WINDOW.toMillis() < now) it.remove();
            }
        }
        return key;
    }

    private void expire(long now) {
        Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator();
        while (it.hasNext() && it.next().getValue() <= now) it.remove();
    }
}
