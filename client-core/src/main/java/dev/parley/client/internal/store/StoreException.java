package dev.parley.client.internal.store;

/**
 * The database failed (disk full, file damaged, locked by another process for longer than the busy
 * timeout). The transaction was rolled back; nothing of it is stored.
 */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
