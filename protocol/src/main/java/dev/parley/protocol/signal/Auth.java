package dev.parley.protocol.signal;

import dev.parley.protocol.crypto.IdentityKey;

/**
 * The answer to {@link Challenge}: the client's public key, the challenge nonce echoed, and an Ed25519
 * signature over {@link dev.parley.protocol.crypto.AuthPayload}. All binary fields are base64url.
 */
public record Auth(IdentityKey publicKey, String nonce, String signature) implements ClientMessage {
    @Override
    public void accept(ClientMessage.Handler h) {
        h.auth(this);
    }
}
