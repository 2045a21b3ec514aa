package dev.parley.client.internal.transfer;

import dev.parley.client.TransferOffer;
import dev.parley.client.TransferProgress;
import dev.parley.client.Direction;
import dev.parley.client.TransferId;

import java.nio.file.Path;

/**
 * Events of a {@link TransferEngine}, one call per state change, delivered in order and directly
 * on the engine's control thread ({@code parley-transfer-control}), where the change happened: copy
 * what you need and hand off, never block (every transfer waits meanwhile). Exceptions are logged
 * and swallowed. Each transfer ends with exactly one of {@link #onCompleted}, {@link #onFailed},
 * {@link #onCancelled} or {@link #onDeclined}; no further calls follow for it.
 */
public interface TransferListener {

    /** A contact offers a file; answer with {@link TransferEngine#accept} or {@link TransferEngine#decline}. */
    default void onOffered(TransferOffer offer) {
    }

    /**
     * We accepted an offered file (the user, or the auto-accept policy); {@link #onStarted} follows
     * once the part file is open and the sender is reachable.
     */
    default void onAccepted(TransferId id) {
    }

    /** The other side agreed (or asked to resume) and data flows from {@code offset}. */
    default void onStarted(TransferId id, Direction direction, long offset) {
    }

    /** Throttled to {@link TransferConfig#progressInterval()} per transfer. */
    default void onProgress(TransferProgress progress) {
    }

    /**
     * The receiver verified the whole-file SHA-256. {@code file} is the saved file (incoming) or the
     * source (outgoing). Files are never opened automatically.
     */
    default void onCompleted(TransferId id, Direction direction, Path file, String sha256Hex) {
    }

    /** Hash mismatch, a sender exceeding the declared size, a disk error...; no file was kept. */
    default void onFailed(TransferId id, Direction direction, String reason) {
    }

    /** Cancelled by us or ({@code byPeer}) by the contact; no file was kept. */
    default void onCancelled(TransferId id, Direction direction, boolean byPeer, String reason) {
    }

    /** The receiver declined our offer. */
    default void onDeclined(TransferId id, String reason) {
    }
}
