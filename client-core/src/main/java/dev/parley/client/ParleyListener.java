package dev.parley.client;

import dev.parley.protocol.PeerId;

/**
 * What a UI hears from a {@link ParleyClient}. Every call comes on the client's single event thread,
 * in order, never on a network or WebRTC thread; don't block in them. Defaults do nothing.
 * {@link #onClosed()} is the terminal callback: no further calls follow it.
 */
public interface ParleyListener {
    /** A message was stored: an incoming one that is new (duplicates never show), or one we sent. */
    default void onMessage(ChatMessage message) {}

    /** A message moved forward: sent, delivered (acked), read. */
    default void onMessageState(MessageId id, PeerId peer, MessageState state) {}

    default void onTyping(PeerId peer, boolean typing) {}

    /** A mutual contact came online or went offline at the signaling server. */
    default void onPresence(PeerId peer, boolean online) {}

    /** The direct session with a contact changed: {@code connecting}, {@code connected}, {@code reconnecting}, {@code closed}. */
    default void onSessionState(PeerId peer, String state, String detail) {}

    /** Logged in to the signaling server ({@code online}) or lost it; {@code detail} says why and when we retry. */
    default void onServerState(boolean online, String detail) {}

    /** A security check failed for this peer (altered or replayed signaling, changed key). Show it to the user. */
    default void onSecurityWarning(PeerId peer, String reason) {}

    /** Someone who is not a contact tried to reach us; nothing was accepted. */
    default void onStrangerRefused(PeerId peer) {}

    /** Terminal: the client is closed. */
    default void onClosed() {}
}
