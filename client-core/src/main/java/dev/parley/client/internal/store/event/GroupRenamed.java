package dev.parley.client.internal.store.event;

import dev.parley.protocol.group.GroupId;

/** The group's name changed (a rename, or a rename that now sorts last). */
public record GroupRenamed(GroupId group, String name) implements StoreEvent {}
