package dev.parley.protocol.peer;

import java.util.UUID;

/** Either side abandons a transfer for good; the receiver deletes its partial file. */
public record FileCancel(UUID transferId, String reason) implements PeerMessage {
    @Override
    public void accept(Handler h) {
        h.fileCancel(this);
    }
}
