package dev.parley.client.internal.store.event;

import dev.parley.client.Contact;

/** A contact was added to the address book. */
public record ContactAdded(Contact contact) implements StoreEvent {}
