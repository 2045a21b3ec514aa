package dev.parley.client.internal.store.event;

import dev.parley.client.GroupPost;

/**
 * A stored group message was hidden ({@code shown} false: a removal that arrived late puts it after
 * its author's cutoff) or shown again ({@code shown} true: the roster changed back).
 */
public record GroupMessageVisibility(GroupPost post, boolean shown) implements StoreEvent {}
