package dev.parley.client.internal.store.event;

import dev.parley.client.GroupPost;

/** A group message was stored (accepted, shown), ours or another member's. */
public record GroupMessageAdded(GroupPost post) implements StoreEvent {}
