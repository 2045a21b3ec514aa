package dev.parley.protocol.peer;

import java.util.UUID;

/**
 * The sender offers a file in the conversation. {@code transferId} is chosen by the sender and names
 * the transfer in every later message and in the data channel label {@code file:<transferId>};
 * {@code name} is only a suggestion (receivers sanitize it), {@code size} is exact in bytes and
 * {@code sha256} is the lowercase hex SHA-256 of the whole file. Sent again (same id) when a link comes
 * back while the transfer is unfinished; the receiver answers according to its state.
 */
public record FileOffer(UUID transferId, String name, long size, String mediaType, String sha256)
        implements PeerMessage {
    @Override
    public void accept(Handler h) {
        h.fileOffer(this);
    }
}
