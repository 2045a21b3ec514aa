package dev.parley.client.internal.store.event;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.GroupMessageId;

/** A member has stored one of this member's own group messages (recorded once per member). */
public record GroupMessageDelivered(GroupId group, GroupMessageId message, PeerId member) implements StoreEvent {}
