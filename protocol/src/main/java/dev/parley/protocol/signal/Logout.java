package dev.parley.protocol.signal;

/**
 * A clean exit: the server ends this identity's binding at once (mutual watchers see it offline now,
 * not after the resume grace) and closes the connection with 1000. A dropped socket still gets the grace.
 */
public record Logout() implements ClientMessage {
    @Override
    public void accept(ClientMessage.Handler h) {
        h.logout(this);
    }
}
