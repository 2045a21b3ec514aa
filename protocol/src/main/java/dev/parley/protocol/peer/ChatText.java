package dev.parley.protocol.peer;

import java.util.UUID;

/**
 * A chat message. {@code id} is chosen by the sender once and kept across resends, so the receiver
 * can drop duplicates; {@code seq} is the sender's sequence number in this conversation (from 1, no
 * gaps), {@code sentAtMs} the sender's clock when the user sent it.
 */
public record ChatText(UUID id, long seq, long sentAtMs, String text) implements PeerMessage {
    @Override
    public void accept(Handler h) {
        h.chatText(this);
    }
}
