package dev.parley.protocol.signal;

/**
 * A request could not be served. {@code ref} is the {@code id} of the message it is about, if any.
 * Errors that end the connection come just before the close frame with the same code.
 */
public record ErrorMessage(ErrorCode code, String message, String ref) implements ServerMessage {
    @Override
    public void accept(ServerMessage.Handler h) {
        h.error(this);
    }
}
