package dev.parley.client.internal.group;

import dev.parley.client.internal.store.GroupStore;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.IdentityKey;
import dev.parley.protocol.group.GroupId;
import lombok.extern.slf4j.Slf4j;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The members {@link GroupEngine} keeps sessions with, split from it: recomputed on the engine's
 * worker whenever a roster or a group's status changes, read from any thread (the session layer,
 * {@link GroupSignals}). Members of joined groups are dialled; members of groups we are invited to
 * are only accepted, so nobody is refused as a stranger.
 */
@Slf4j
final class GroupSessionPeers {
    private final PeerId me;
    /** Told (on the worker) when the set of members to keep sessions with changed. */
    private final Runnable membersChanged;
    /** Members of joined groups and their roster keys, for the session layer to keep sessions with. */
    private volatile Map<PeerId, IdentityKey> wanted = Map.of();
    /** Also the members of groups we are invited to: their sessions are accepted (not dialled). */
    private volatile Map<PeerId, IdentityKey> accepted = Map.of();
    /** Per joined group, its other members (receipts and typing, {@link GroupSignals}). */
    private volatile Map<GroupId, Set<PeerId>> joinedMembers = Map.of();

    GroupSessionPeers(PeerId me, Runnable membersChanged) {
        this.me = me;
        this.membersChanged = membersChanged;
    }

    Set<PeerId> wanted() {
        return wanted.keySet();
    }

    Map<PeerId, IdentityKey> accepted() {
        return accepted;
    }

    /** The other members of a group this member has joined (empty if it has not joined it). */
    Optional<Set<PeerId>> joinedMembers(GroupId group) {
        return Optional.ofNullable(joinedMembers.get(group));
    }

    /** Worker: recomputed from every group's roster and status; {@code membersChanged} runs if who to keep sessions with changed. */
    void refresh(Map<GroupId, GroupState> states, Map<GroupId, GroupStore.Status> status) {
        Map<PeerId, IdentityKey> w = new HashMap<>(), a = new HashMap<>();
        Map<GroupId, Set<PeerId>> joined = new HashMap<>();
        for (Map.Entry<GroupId, GroupState> e : states.entrySet()) {
            GroupStore.Status st = status.get(e.getKey());
            if (st == GroupStore.Status.LEFT) continue;
            for (Roster.Member m : e.getValue().roster().members()) {
                a.put(m.key().peerId(), m.key());
                if (st == GroupStore.Status.JOINED) w.put(m.key().peerId(), m.key());
            }
            if (st == GroupStore.Status.JOINED) joined.put(e.getKey(), MemberChanges.othersOf(e.getValue(), me));
        }
        joinedMembers = Map.copyOf(joined);
        w.remove(me);
        a.remove(me);
        Map<PeerId, IdentityKey> now = Map.copyOf(w), acceptNow = Map.copyOf(a);
        if (now.equals(wanted) && acceptNow.equals(accepted)) return;
        wanted = now;
        accepted = acceptNow;
        try {
            membersChanged.run();
        } catch (RuntimeException e) {
            log.warn("could not announce the group members", e);
        }
    }
}
