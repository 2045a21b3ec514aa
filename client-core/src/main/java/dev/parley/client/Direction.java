package dev.parley.client;

/** Whether this device sent a message (or file) or received it. */
public enum Direction {
    OUTGOING,
    INCOMING
}
