package dev.parley.client.internal.group;

/** A group action this member may not take now (not an admin, the group is full, …); the message says why. */
public final class GroupRefusedException extends IllegalStateException {
    public GroupRefusedException(String message) {
        super(message);
    }
}
