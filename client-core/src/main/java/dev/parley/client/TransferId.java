package dev.parley.client;

import java.util.Objects;
import java.util.UUID;

/** The id of one file transfer, chosen by the sender. */
public record TransferId(UUID value) {
    public TransferId {
        Objects.requireNonNull(value, "transfer id");
    }

    public static TransferId random() {
        return new TransferId(UUID.randomUUID());
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
