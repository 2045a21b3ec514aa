package dev.parley.client;


import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A contact in the address book. {@code displayName} is only a label the user chose (sanitized, may
 * be null); identity is {@code peerId} and the pinned key. {@code pinnedKey} is null until the first
 * verified session (trust on first use). {@code pendingKey} is non-null when a different key was
 * presented: sessions with it are blocked until the user accepts it. {@code verified} means the user
 * compared safety numbers for the pinned key; it is cleared when the key changes.
 */
public record Contact(
        PeerId peerId,
        String displayName,
        PeerKey pinnedKey,
        PeerKey pendingKey,
        boolean verified,
        Instant addedAt) {
    public Contact {
        Objects.requireNonNull(peerId, "peerId");
        Objects.requireNonNull(addedAt, "addedAt");
        if (verified && pinnedKey == null) throw new IllegalArgumentException("cannot be verified without a pinned key");
    }

    /** True while a changed key waits for the user's decision; sessions presenting it are refused. */
    public boolean keyChanged() {
        return pendingKey != null;
    }

    /** What to show: the display name, or the short peer id when there is none. */
    public String label() {
        return displayName != null ? displayName : peerId.shortForm();
    }

    public Optional<PeerKey> key() {
        return Optional.ofNullable(pinnedKey);
    }
}
