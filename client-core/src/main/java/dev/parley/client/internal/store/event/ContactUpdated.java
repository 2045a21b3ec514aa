package dev.parley.client.internal.store.event;

import dev.parley.client.Contact;

/** A contact's label changed, or its first key was pinned (trust on first use): the app shows the new state. */
public record ContactUpdated(Contact contact) implements StoreEvent {}
