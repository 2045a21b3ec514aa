package dev.parley.client.internal;

import dev.parley.client.GroupId;
import dev.parley.client.GroupMessageId;
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

    /** The protocol's form of an app's group id. */
    public static dev.parley.protocol.group.GroupId wire(GroupId id) {
        return id == null ? null : new dev.parley.protocol.group.GroupId(id.value());
    }

    /** The app's form of a protocol group id. */
    public static GroupId app(dev.parley.protocol.group.GroupId id) {
        return id == null ? null : new GroupId(id.value());
    }

    /** The protocol's form of an app's group message id. */
    public static dev.parley.protocol.group.GroupMessageId wire(GroupMessageId id) {
        return id == null ? null : new dev.parley.protocol.group.GroupMessageId(id.value());
    }

    /** The app's form of a protocol group message id. */
    public static GroupMessageId app(dev.parley.protocol.group.GroupMessageId id) {
        return id == null ? null : new GroupMessageId(id.value());
    }

    /** The protocol's form of app peer ids, in order. */
    public static java.util.List<dev.parley.protocol.PeerId> wirePeers(java.util.List<PeerId> ids) {
        return ids.stream().map(Ids::wire).toList();
    }

    /** The app's form of protocol peer ids, in order. */
    public static java.util.List<PeerId> appPeers(java.util.List<dev.parley.protocol.PeerId> ids) {
        return ids.stream().map(Ids::app).toList();
    }
}
