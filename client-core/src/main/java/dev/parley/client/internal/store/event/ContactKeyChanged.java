package dev.parley.client.internal.store.event;

import dev.parley.client.Contact;

/**
 * A contact's key changed state: a different key was presented (now blocked, {@code contact.keyChanged()}),
 * or the user accepted the new key. Either way the contact is no longer verified.
 */
public record ContactKeyChanged(Contact contact) implements StoreEvent {}
