package dev.parley.client.internal.store.event;

/** A store event with the app-event number it was given in its transaction (see {@code EventLog}). */
public record Committed(long seq, StoreEvent event) {}
