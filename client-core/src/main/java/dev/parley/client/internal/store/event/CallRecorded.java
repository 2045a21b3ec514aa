package dev.parley.client.internal.store.event;

import dev.parley.client.CallRecord;

/** A finished call was recorded in the call history. */
public record CallRecorded(CallRecord record) implements StoreEvent {}
