package dev.parley.client.internal.group;

import dev.parley.client.GroupMember;
import dev.parley.client.internal.session.PeerLink;
import dev.parley.client.internal.store.GroupStore;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.IdentityKey;
import dev.parley.protocol.group.GroupLimits;
import dev.parley.protocol.group.RosterAction;
import dev.parley.protocol.group.RosterOp;
import dev.parley.protocol.peer.GroupRoster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The group engine's roster helpers: what changed for whom, who was a member, the roster in batches. */
final class MemberChanges {
    private MemberChanges() {}

    /** The group's members other than {@code me}, by peer id. */
    static java.util.Set<PeerId> othersOf(GroupState s, PeerId me) {
        java.util.Set<PeerId> out = new java.util.HashSet<>();
        for (Roster.Member x : s.roster().members()) out.add(x.key().peerId());
        out.remove(me);
        return java.util.Set.copyOf(out);
    }

    static Map<IdentityKey, Roster.Member> membersByKey(GroupState s) {
        Map<IdentityKey, Roster.Member> m = new LinkedHashMap<>();
        for (Roster.Member x : s.roster().members()) m.put(x.key(), x);
        return m;
    }

    static List<GroupStore.MemberChange> between(Map<IdentityKey, Roster.Member> before, Map<IdentityKey, Roster.Member> after,
                                                         List<RosterOp> kept) {
        List<GroupStore.MemberChange> out = new ArrayList<>();
        for (Roster.Member m : after.values()) {
            Roster.Member b = before.get(m.key());
            if (b == null) out.add(new GroupStore.MemberChange(m.key().peerId(), GroupMember.Change.ADDED));
            else if (b.admin() != m.admin()) out.add(new GroupStore.MemberChange(m.key().peerId(), m.admin() ? GroupMember.Change.PROMOTED : GroupMember.Change.DEMOTED));
        }
        for (Roster.Member b : before.values()) {
            if (after.containsKey(b.key())) continue;
            boolean left = kept.stream().anyMatch(op -> op.action() == RosterAction.LEAVE && op.author().equals(b.key()));
            out.add(new GroupStore.MemberChange(b.key().peerId(), left ? GroupMember.Change.LEFT : GroupMember.Change.REMOVED));
        }
        return out;
    }

    static boolean formerMember(GroupState s, PeerId peer) {
        return s.roster().ordered().stream().anyMatch(op -> op.member() != null && op.member().peerId().equals(peer))
                && s.roster().members().stream().noneMatch(m -> m.key().peerId().equals(peer));
    }

    static void sendRoster(PeerLink link, GroupState s) {
        List<RosterOp> ops = s.roster().ordered();
        for (int i = 0; i < ops.size(); i += GroupLimits.MAX_ROSTER_BATCH) {
            link.sendControl(new GroupRoster(s.group(), ops.subList(i, Math.min(ops.size(), i + GroupLimits.MAX_ROSTER_BATCH))));
        }
    }
}
