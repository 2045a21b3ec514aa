package dev.parley.client.internal.store;

/**
 * This device's local handle for a contact row. Unlike the peer id, it does not change if the user
 * accepts a new key for the contact (which gives the contact a new peer id).
 */
public record ContactId(long value) {
    public ContactId {
        if (value < 1) throw new IllegalArgumentException("not a contact id: " + value);
    }
}
