package dev.parley.client;

import java.util.Objects;
import java.util.UUID;

/** Names one call on both sides; chosen by the caller and carried in every call-control message. */
public record CallId(UUID value) implements Comparable<CallId> {
    public CallId {
        Objects.requireNonNull(value, "value");
    }

    public static CallId random() {
        return new CallId(UUID.randomUUID());
    }

    @Override
    public int compareTo(CallId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
