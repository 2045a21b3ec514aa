package dev.parley.protocol.peer;

import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.GroupMessageId;

/**
 * The sender has read the group's messages up to and including {@code upTo} in display order: its
 * own read mark, sent only by the member it is about, directly over the pairwise session (never
 * relayed, so it carries no signature). Sent when the mark moves and again on every session open.
 */
public record GroupRead(GroupId group, GroupMessageId upTo) implements PeerMessage {
    public GroupRead {
        if (group == null) throw new IllegalArgumentException("'group' is required");
        if (upTo == null) throw new IllegalArgumentException("'upTo' is required");
    }

    @Override
    public void accept(Handler h) {
        h.groupRead(this);
    }
}
