package dev.parley.protocol.peer;

import dev.parley.protocol.group.GroupId;

/**
 * The sender is (or stopped) typing in the group: sent directly to each member it has a session
 * with, never relayed; "typing" repeats at most every 3 s and lapses after 6 s without a repeat.
 */
public record GroupTyping(GroupId group, boolean active) implements PeerMessage {
    public GroupTyping {
        if (group == null) throw new IllegalArgumentException("'group' is required");
    }

    @Override
    public void accept(Handler h) {
        h.groupTyping(this);
    }
}
