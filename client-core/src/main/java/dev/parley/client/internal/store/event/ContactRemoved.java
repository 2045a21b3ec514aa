package dev.parley.client.internal.store.event;

import dev.parley.protocol.PeerId;

/** A contact was removed, with its conversation, messages, outbox and transfers. */
public record ContactRemoved(PeerId peerId) implements StoreEvent {}
