package dev.parley.protocol.peer;

import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.GroupLimits;
import dev.parley.protocol.group.GroupMessageId;

import java.util.List;

/**
 * The receiver has stored these group messages (or had them already): sent only after its database
 * commit, so the author can count the message delivered to this member and clear its outbox.
 */
public record GroupAck(GroupId group, List<GroupMessageId> ids) implements PeerMessage {
    public GroupAck {
        if (group == null) throw new IllegalArgumentException("'group' is required");
        ids = ids == null ? List.of() : List.copyOf(ids);
        if (ids.size() > GroupLimits.MAX_BATCH) throw new IllegalArgumentException("at most " + GroupLimits.MAX_BATCH + " 'ids'");
    }

    @Override
    public void accept(Handler h) {
        h.groupAck(this);
    }
}
