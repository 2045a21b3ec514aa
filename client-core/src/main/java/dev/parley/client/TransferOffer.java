package dev.parley.client;


/**
 * A file a contact offers us, as the UI shows it: {@code name} is already sanitized (never a path),
 * {@code mediaType} checked, {@code sha256Hex} the announced hash of the whole file.
 */
public record TransferOffer(TransferId id, PeerId peer, String name, long size, String mediaType, String sha256Hex) {
}
