package dev.parley.client.internal.identity;

import java.io.IOException;

/** The identity key file exists but cannot be used; the message says why and what the user can do. */
public final class KeyFileException extends IOException {
    public KeyFileException(String message) {
        super(message);
    }

    public KeyFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
