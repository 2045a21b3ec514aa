package dev.parley.client.internal.store.event;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.group.GroupId;

/** An invitation to a group was stored (from the member who sent the roster). */
public record GroupInvited(GroupId group, String name, PeerId from) implements StoreEvent {}
