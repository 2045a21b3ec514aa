package dev.parley.client.internal.store.event;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.GroupMessageId;

/** Another member's read mark in a group moved forward to {@code upTo} (display order). */
public record GroupMessageRead(GroupId group, PeerId member, GroupMessageId upTo) implements StoreEvent {}
