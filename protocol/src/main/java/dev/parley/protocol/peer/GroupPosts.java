package dev.parley.protocol.peer;

import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.GroupLimits;
import dev.parley.protocol.group.GroupMessage;

import java.util.List;

/**
 * Group messages, each still signed by its own author: a new post, a relay of one, or a batch of what
 * the receiver's summary showed it lacks (each author's in seq order). Every message must belong to
 * {@code group}. The receiver stores what it accepts, then answers {@link GroupAck}.
 */
public record GroupPosts(GroupId group, List<GroupMessage> messages) implements PeerMessage {
    public GroupPosts {
        if (group == null) throw new IllegalArgumentException("'group' is required");
        messages = messages == null ? List.of() : List.copyOf(messages);
        if (messages.isEmpty() || messages.size() > GroupLimits.MAX_BATCH) {
            throw new IllegalArgumentException("'messages' must hold 1.." + GroupLimits.MAX_BATCH + " messages");
        }
        for (GroupMessage m : messages) {
            if (!m.group().equals(group)) throw new IllegalArgumentException("a message of another group");
        }
    }

    @Override
    public void accept(Handler h) {
        h.groupPosts(this);
    }
}
