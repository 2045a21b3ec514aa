package dev.parley.protocol.peer;

import java.util.UUID;

/**
 * The receiver's verdict once it holds {@code size} bytes: {@code ok} when the whole-file SHA-256
 * matched and the file was saved; otherwise {@code reason} (e.g. {@code sha256-mismatch}) and the
 * partial file is gone. Final for both sides.
 */
public record FileResult(UUID transferId, boolean ok, String reason) implements PeerMessage {
    @Override
    public void accept(Handler h) {
        h.fileResult(this);
    }
}
