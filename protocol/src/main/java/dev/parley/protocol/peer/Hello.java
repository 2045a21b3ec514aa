package dev.parley.protocol.peer;

/** First message each side sends when the chat channel opens: its peer-protocol version and software. */
public record Hello(int version, String agent) implements PeerMessage {
    @Override
    public void accept(Handler h) {
        h.hello(this);
    }
}
