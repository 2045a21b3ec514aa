package dev.parley.protocol.signal;

import dev.parley.protocol.crypto.IdentityKey;

/**
 * The answer to {@link Challenge}: the client's public key, the challenge nonce echoed, and an Ed25519
 * signature over {@link dev.parley.protocol.crypto.AuthPayload}. All binary fields are base64url.
 * {@code mark} (optional) is the last {@link DeliveryMark} the client received on an earlier connection:
 * after a node of a cluster died, the node taking over redelivers only what came after it.
 */
public record Auth(IdentityKey publicKey, String nonce, String signature, String mark) implements ClientMessage {
    public Auth {
        DeliveryMark.check(mark);
    }

    /** An auth without a mark (a first login, or nothing received yet). */
    public Auth(IdentityKey publicKey, String nonce, String signature) {
        this(publicKey, nonce, signature, null);
    }

    @Override
    public void accept(ClientMessage.Handler h) {
        h.auth(this);
    }
}
