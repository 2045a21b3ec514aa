package dev.parley.client.internal.store.event;

import dev.parley.client.MessageId;
import dev.parley.client.MessageState;
import dev.parley.protocol.PeerId;

/** A message moved forward in its life (sent, delivered, read). */
public record MessageStateChanged(MessageId id, PeerId peer, MessageState state) implements StoreEvent {}
