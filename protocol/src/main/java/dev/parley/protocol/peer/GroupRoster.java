package dev.parley.protocol.peer;

import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.GroupLimits;
import dev.parley.protocol.group.RosterOp;

import java.util.List;

/**
 * Roster operations of one group, oldest first (docs/protocol.md § Groups, Sync). Sent to an invitee
 * (the whole roster: that is the invitation) and to a member whose summary shows another roster head.
 * Every operation must belong to {@code group}; the receiver checks each signature itself.
 */
public record GroupRoster(GroupId group, List<RosterOp> ops) implements PeerMessage {
    public GroupRoster {
        if (group == null) throw new IllegalArgumentException("'group' is required");
        ops = ops == null ? List.of() : List.copyOf(ops);
        if (ops.isEmpty() || ops.size() > GroupLimits.MAX_ROSTER_BATCH) {
            throw new IllegalArgumentException("'ops' must hold 1.." + GroupLimits.MAX_ROSTER_BATCH + " operations");
        }
        for (RosterOp op : ops) {
            if (!op.group().equals(group)) throw new IllegalArgumentException("an operation of another group");
        }
    }

    @Override
    public void accept(Handler h) {
        h.groupRoster(this);
    }
}
