package dev.parley.client.internal.store;

/** What {@link ContactStore#observeKey} found when a contact presented an identity key. */
public enum KeyCheck {
    /** First verified key for this contact; pinned now (trust on first use). Proceed. */
    PINNED_NOW,
    /** Same key as pinned. Proceed. */
    MATCHES,
    /** A different key from the pinned one. Refuse the session and tell the user; it stays blocked until accepted. */
    CHANGED;

    /** Whether a session presenting the key may go ahead. */
    public boolean allowed() {
        return this != CHANGED;
    }
}
