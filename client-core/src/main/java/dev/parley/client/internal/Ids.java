package dev.parley.client.internal;

import dev.parley.client.PeerId;
import dev.parley.client.PeerKey;
import dev.parley.protocol.crypto.IdentityKey;

/**
 * The one place the app-facing identity types ({@link PeerId}, {@link PeerKey} in dev.parley.client)
 * and the protocol's ({@code dev.parley.protocol.PeerId}, {@link IdentityKey}) are converted. Internal
 * code works with the protocol types; the public API converts at its edge with these. Null stays null.
 */
public final class Ids {
    private Ids() {
    }

    /** The protocol's form of an app's peer id. */
    public static dev.parley.protocol.PeerId wire(PeerId id) {
        return id == null ? null : new dev.parley.protocol.PeerId(id.value());
    }

    /** The app's form of a protocol peer id. */
    public static PeerId app(dev.parley.protocol.PeerId id) {
        return id == null ? null : new PeerId(id.value());
    }

    /** The protocol's form of an app's key. */
    public static IdentityKey wire(PeerKey key) {
        return key == null ? null : IdentityKey.fromBase64Url(key.base64Url());
    }

    /** The app's form of a protocol identity key. */
    public static PeerKey app(IdentityKey key) {
        return key == null ? null : PeerKey.parse(key.toBase64Url());
    }
}
