package dev.parley.client;


import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A file transfer's durable record. {@code verifiedOffset} is how many leading bytes of the part
 * file have been checked and stored, where a resumed transfer continues. {@code sha256Hex} is the
 * announced hash of the whole file (lowercase hex). {@code name} is the sender's suggested name,
 * never a path. Where the bytes live on disk is the engine's business and not part of this record;
 * a completed incoming file's location is announced with the completion event.
 */
public record Transfer(
        TransferId id,
        Direction direction,
        PeerId peer,
        String name,
        long size,
        String mediaType,
        String sha256Hex,
        TransferState state,
        long verifiedOffset,
        Instant createdAt,
        Instant updatedAt) {
    public Transfer {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(sha256Hex, "sha256Hex");
        Objects.requireNonNull(state, "state");
        if (size < 0) throw new IllegalArgumentException("size must be >= 0");
        if (verifiedOffset < 0 || verifiedOffset > size) throw new IllegalArgumentException("verifiedOffset must be 0..size");
        if (sha256Hex.length() != 64 || !sha256Hex.equals(sha256Hex.toLowerCase(java.util.Locale.ROOT))) {
            throw new IllegalArgumentException("sha256 must be 64 lowercase hex digits");
        }
        HexFormat.of().parseHex(sha256Hex);
    }
}
