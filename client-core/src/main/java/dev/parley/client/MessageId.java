package dev.parley.client;

import java.util.Objects;
import java.util.UUID;

/** The globally unique id of one chat message, chosen by its sender; receivers deduplicate on it. */
public record MessageId(UUID value) {
    public MessageId {
        Objects.requireNonNull(value, "message id");
    }

    public static MessageId random() {
        return new MessageId(UUID.randomUUID());
    }

    /** Parses the canonical 36-character UUID form; throws IllegalArgumentException otherwise. */
    public static MessageId parse(String s) {
        if (s == null || s.length() != 36) throw new IllegalArgumentException("not a message id (a 36-character UUID)");
        UUID u = UUID.fromString(s);
        if (!u.toString().equals(s.toLowerCase(java.util.Locale.ROOT))) throw new IllegalArgumentException("not a canonical UUID");
        return new MessageId(u);
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
