package dev.parley.client.internal.store.event;

/**
 * Something the store changed, announced only after its transaction committed, on the thread that
 * committed it. Immutable values; listeners must hand off rather than do work.
 */
public sealed interface StoreEvent
        permits ContactAdded, ContactRemoved, ContactKeyChanged, ContactVerified, ContactUpdated, MessageAdded, MessageStateChanged,
        TransferChanged, CallRecorded, GroupInvited, GroupMessageAdded, GroupMemberChanged,
        GroupMessageDelivered, GroupMessageRead, GroupMessageVisibility, GroupRenamed, GroupCallRecorded, GroupFileChanged {}
