package dev.parley.protocol.peer;

import java.util.UUID;

/** The receiver refuses an offered file; {@code reason} is a short code such as {@code declined}. */
public record FileDecline(UUID transferId, String reason) implements PeerMessage {
    @Override
    public void accept(Handler h) {
        h.fileDecline(this);
    }
}
