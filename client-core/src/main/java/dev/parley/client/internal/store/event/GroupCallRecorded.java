package dev.parley.client.internal.store.event;

import dev.parley.client.GroupCallRecord;

/** A finished (or, for this member, closed) group call was written into the group's history. */
public record GroupCallRecorded(GroupCallRecord record) implements StoreEvent {}
