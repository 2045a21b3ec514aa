package dev.parley.client.internal.store.event;

import dev.parley.client.ChatMessage;

/** A message was stored: an outgoing one queued, or a new (non-duplicate) incoming one. */
public record MessageAdded(ChatMessage message) implements StoreEvent {}
