package dev.parley.client.internal.store.event;

import dev.parley.client.Contact;

/** The user confirmed (or withdrew) that the safety numbers matched. */
public record ContactVerified(Contact contact) implements StoreEvent {}
