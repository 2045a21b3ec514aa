package dev.parley.client.internal.session;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.peer.PeerMessage;

/**
 * A feature that runs over peer sessions (chat, transfers, calls). All methods are called on the
 * contact's session thread, one at a time and in order: they must not block (hand disk or long work to
 * the feature's own executor) and must not throw. Defaults do nothing.
 */
public interface PeerFeature {
    /** The verified session to {@code link.peer()} is up and its chat channel open. */
    default void onLinkUp(PeerLink link) {}

    /** The session went away (it may come back with a new link). */
    default void onLinkDown(PeerId peer) {}

    /**
     * The live link's path dropped ({@code interrupted} true: ICE disconnected or failed; the session is
     * trying to recover by ICE restarts and sends may not arrive) or recovered ({@code false}: connected
     * again, the same link). Called only between {@link #onLinkUp} and {@link #onLinkDown}, once per change.
     */
    default void onLinkInterrupted(PeerId peer, boolean interrupted) {}

    /** A control message from the peer on the chat channel. Each feature sees every message and ignores others'. */
    default void onControl(PeerId peer, PeerMessage message) {}

    /** A further data channel (not {@code chat}) opened, by either side. */
    default void onChannelOpen(PeerId peer, String label) {}

    default void onChannelClosed(PeerId peer, String label) {}

    /** A message on a data channel other than {@code chat}; {@code data} is a private copy. */
    default void onChannelMessage(PeerId peer, String label, byte[] data, boolean binary) {}

    /**
     * Peers this feature has work waiting for (an outbox, an unfinished transfer), so the session
     * layer dials them when they are reachable. Called on a timer or signaling thread, now and then:
     * a quick read of the feature's own state or store.
     */
    default java.util.Set<PeerId> peersWithPendingWork() {
        return java.util.Set.of();
    }

    /**
     * Peers with whom this feature wants verified sessions even if they are not contacts, with the key
     * each must prove (group members, from an admin-signed roster); the session layer uses a key only
     * for a peer that is not a contact. Sessions with such peers carry only the features that
     * {@link #servesNonContacts()}. Called on signaling and timer threads: a quick read.
     */
    default java.util.Map<PeerId, dev.parley.protocol.crypto.IdentityKey> nonContactKeys() {
        return java.util.Map.of();
    }

    /** Whether this feature hears of sessions with the non-contacts of {@link #nonContactKeys()}; others never do. */
    default boolean servesNonContacts() {
        return false;
    }
}
