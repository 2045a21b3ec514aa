package dev.parley.client;

/**
 * A group conversation's id: 43 characters of base64url (a SHA-256 over the creator's key and a random
 * salt, docs/protocol.md § Groups), so nobody can pick another creator's group id. Store it, pass it
 * back to {@link ParleyGroups}; {@link #toString()} is the value itself. Construction validates the
 * form with the protocol's rule and message.
 */
public record GroupId(String value) implements Comparable<GroupId> {
    public GroupId {
        dev.parley.protocol.group.GroupId.of(value); // the protocol's check: IllegalArgumentException saying why
    }

    /**
     * The group id {@code value} is.
     *
     * @throws IllegalArgumentException if it is not a well-formed group id (the message says so)
     */
    public static GroupId of(String value) {
        return new GroupId(value);
    }

    /** The first 8 characters, for logs and compact display; never for addressing. */
    public String shortForm() {
        return value.substring(0, 8);
    }

    @Override
    public int compareTo(GroupId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
