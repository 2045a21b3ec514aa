package dev.parley.client.internal.security;

/** A signed offer or answer failed a check; the description must not be applied. */
public final class ProofRejected extends Exception {
    /** Why, for the user's security warning and for the logs. */
    public enum Reason {
        /** No proof, or its fields are malformed. */
        MISSING_OR_MALFORMED,
        /** The key in the proof does not hash to the peer id the server stamped as sender. */
        KEY_NOT_SENDERS,
        /** The SDP has no single sha-256 fingerprint. */
        BAD_FINGERPRINT,
        /** Outside the ±90 s window. */
        STALE,
        /** (key, sessionId, seq) seen before. */
        REPLAYED,
        /** The signature does not verify over what we received: something was altered in transit. */
        BAD_SIGNATURE
    }

    private final Reason reason;

    public ProofRejected(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
