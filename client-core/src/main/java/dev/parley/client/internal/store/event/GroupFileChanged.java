package dev.parley.client.internal.store.event;

import dev.parley.client.GroupFile;

/** A group file was recorded or changed state (not on piece progress, which is of the moment). */
public record GroupFileChanged(GroupFile file) implements StoreEvent {}
