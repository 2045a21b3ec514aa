package dev.parley.protocol.peer;

import java.util.UUID;

/**
 * The receiver accepts a file, or asks to resume it: the sender streams on the channel
 * {@code file:<transferId>} starting at byte {@code offset} (what the receiver already holds).
 * {@code maxMessageSize} is the largest data-channel message the receiver takes (its
 * {@code a=max-message-size}, RFC 8841); absent means 65536.
 */
public record FileAccept(UUID transferId, long offset, Integer maxMessageSize) implements PeerMessage {
    @Override
    public void accept(Handler h) {
        h.fileAccept(this);
    }
}
