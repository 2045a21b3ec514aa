package dev.parley.protocol.peer;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.GroupLimits;
import dev.parley.protocol.group.RosterOpId;

import java.util.List;

/**
 * What the sender holds of one group, compactly: its roster head and number of roster operations, and
 * for every author the highest seq it holds without a gap. Sent on every session open and
 * periodically to each member; the receiver answers with what the sender lacks ({@link GroupRoster},
 * {@link GroupPosts}) and, if it lacks something itself, its own summary.
 */
public record GroupSummary(GroupId group, RosterOpId head, int ops, List<Chain> chains) implements PeerMessage {
    /** One author's chain: the author's peer id and the highest seq held without a gap. */
    public record Chain(PeerId author, long seq) {
        public Chain {
            if (author == null) throw new IllegalArgumentException("'author' is required");
            if (seq < 1) throw new IllegalArgumentException("a chain's 'seq' is >= 1");
        }
    }

    public GroupSummary {
        if (group == null) throw new IllegalArgumentException("'group' is required");
        if (head == null) throw new IllegalArgumentException("'head' is required");
        if (ops < 1 || ops > GroupLimits.MAX_ROSTER_OPS) throw new IllegalArgumentException("'ops' must be 1.." + GroupLimits.MAX_ROSTER_OPS);
        chains = chains == null ? List.of() : List.copyOf(chains);
        if (chains.size() > GroupLimits.MAX_SUMMARY_AUTHORS) throw new IllegalArgumentException("too many 'chains'");
        if (chains.stream().map(Chain::author).distinct().count() != chains.size()) {
            throw new IllegalArgumentException("an author twice in 'chains'");
        }
    }

    @Override
    public void accept(Handler h) {
        h.groupSummary(this);
    }
}
