package dev.parley.client;

/**
 * A group message's id: 43 characters of base64url, the SHA-256 of the author's signed record
 * (docs/protocol.md § Groups), so equal ids mean equal content at every member. {@link #toString()} is
 * the value itself. Construction validates the form with the protocol's rule and message.
 */
public record GroupMessageId(String value) implements Comparable<GroupMessageId> {
    public GroupMessageId {
        dev.parley.protocol.group.GroupMessageId.of(value); // the protocol's check: IllegalArgumentException saying why
    }

    /**
     * The group message id {@code value} is.
     *
     * @throws IllegalArgumentException if it is not a well-formed group message id (the message says so)
     */
    public static GroupMessageId of(String value) {
        return new GroupMessageId(value);
    }

    /** The first 8 characters, for logs and compact display. */
    public String shortForm() {
        return value.substring(0, 8);
    }

    @Override
    public int compareTo(GroupMessageId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
