package dev.parley.client.internal.store.event;

import dev.parley.client.GroupMember;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.group.GroupId;

/** A stored roster operation changed someone's membership. */
public record GroupMemberChanged(GroupId group, PeerId member, GroupMember.Change change) implements StoreEvent {}
