package dev.parley.client;

import dev.parley.protocol.crypto.IdentityKey;

import java.util.Objects;

/**
 * A peer's public identity key (Ed25519), as an app sees it: ours ({@link ParleyClient#identityKey()}),
 * a contact's pinned or pending key ({@link Contact}), the key in a {@link ContactString}. Its
 * {@link #peerId()} is the peer's address. Immutable; equal when the keys are.
 */
public final class PeerKey {
    private final String base64Url;
    private final PeerId peerId;

    private PeerKey(IdentityKey key) {
        this.base64Url = key.toBase64Url();
        this.peerId = new PeerId(key.peerId().value());
    }

    /**
     * The key in its shareable form (base64url of the 32 raw bytes, as in {@code parley:<key>}).
     *
     * @throws IllegalArgumentException if it is not a usable Ed25519 public key (the message says why)
     */
    public static PeerKey parse(String base64Url) {
        return new PeerKey(IdentityKey.fromBase64Url(base64Url));
    }

    /** Base64url (no padding) of the 32 raw bytes; {@link #parse} reads it back. */
    public String base64Url() {
        return base64Url;
    }

    /** The address this key owns. */
    public PeerId peerId() {
        return peerId;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerKey k && base64Url.equals(k.base64Url);
    }

    @Override
    public int hashCode() {
        return Objects.hash(base64Url);
    }

    @Override
    public String toString() {
        return "PeerKey[" + peerId.shortForm() + "]";
    }
}
