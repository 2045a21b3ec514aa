package dev.parley.protocol.peer;

/** The user started ({@code true}) or stopped typing. Senders repeat {@code true} at most every 3 s; receivers expire it after 6 s. */
public record Typing(boolean active) implements PeerMessage {
    @Override
    public void accept(Handler h) {
        h.typing(this);
    }
}
