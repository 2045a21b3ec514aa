package dev.parley.client.internal.store.event;

import dev.parley.client.Transfer;

/** A file transfer was created or changed state. Offset progress is not announced (too chatty). */
public record TransferChanged(Transfer transfer) implements StoreEvent {}
