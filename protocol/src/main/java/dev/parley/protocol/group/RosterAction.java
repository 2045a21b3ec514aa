package dev.parley.protocol.group;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a roster operation does. {@link #wire()} is its name in JSON and in the canonical bytes. */
public enum RosterAction {
    /** Founds the group: the author is its first member and first admin. No {@code prev}. */
    CREATE("create"),
    /** An admin adds {@code member} (an invitation the member accepts or declines on their side). */
    ADD("add"),
    /** An admin removes {@code member}, with the {@code cutoff} of the member's chain. */
    REMOVE("remove"),
    /** An admin makes {@code member} an admin. */
    PROMOTE("promote"),
    /** An admin takes admin rights from {@code member} (possibly themselves). */
    DEMOTE("demote"),
    /** An admin renames the group to {@code name}. */
    RENAME("rename"),
    /** The author leaves, with the {@code cutoff} of their own chain. */
    LEAVE("leave");

    private final String wire;

    RosterAction(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static RosterAction fromWire(String s) {
        for (RosterAction a : values()) {
            if (a.wire.equals(s)) return a;
        }
        throw new IllegalArgumentException("unknown roster action: " + dev.parley.protocol.Printable.clip(s));
    }

    /** Whether the operation names a {@code member} other than its author. */
    public boolean hasMember() {
        return this == ADD || this == REMOVE || this == PROMOTE || this == DEMOTE;
    }

    /** Whether the operation ends a membership and so carries a cutoff. */
    public boolean endsMembership() {
        return this == REMOVE || this == LEAVE;
    }

    /** Whether the operation takes rights away (these come first among concurrent operations). */
    public boolean restricts() {
        return this == REMOVE || this == DEMOTE || this == LEAVE;
    }
}
