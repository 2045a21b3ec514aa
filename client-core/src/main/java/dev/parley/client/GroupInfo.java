package dev.parley.client;

/**
 * A group conversation as this member holds it: its id, current name, where this member stands,
 * how many members it has and whether this member is an admin (may add, remove, rename).
 */
public record GroupInfo(GroupId id, String name, Status status, int members, boolean admin) {
    /** Invited (not accepted yet), joined, or left/removed. */
    public enum Status { INVITED, JOINED, LEFT }
}
