package dev.parley.client.internal.rtc;

/** An operation on a {@link PeerSession} failed because the session is (or got) closed. */
public final class SessionClosedException extends IllegalStateException {
    public SessionClosedException(String message) {
        super(message);
    }
}
