package dev.parley.protocol.signal;

/**
 * The server's first message on every connection: protocol {@code version}, a single-use 32-byte
 * {@code nonce} (base64url), and how long the client has to answer with {@link Auth}.
 */
public record Challenge(int version, String nonce, long deadlineMs) implements ServerMessage {
    @Override
    public void accept(ServerMessage.Handler h) {
        h.challenge(this);
    }
}
