package dev.parley.client.internal.group;

import dev.parley.client.GroupInfo;
import dev.parley.client.GroupMember;
import dev.parley.client.GroupPost;
import dev.parley.client.internal.Ids;
import dev.parley.client.internal.session.PeerFeature;
import dev.parley.client.internal.session.PeerLink;
import dev.parley.client.internal.store.GroupStore;
import dev.parley.client.internal.time.Scheduler;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.IdentityKey;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.GroupLimits;
import dev.parley.protocol.group.GroupMessage;
import dev.parley.protocol.group.GroupMessageId;
import dev.parley.protocol.group.RosterAction;
import dev.parley.protocol.group.RosterOp;
import dev.parley.protocol.peer.GroupAck;
import dev.parley.protocol.peer.GroupPosts;
import dev.parley.protocol.peer.GroupRoster;
import dev.parley.protocol.peer.GroupSummary;
import dev.parley.protocol.peer.PeerMessage;
import lombok.extern.slf4j.Slf4j;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Group conversations over the pairwise sessions (docs/protocol.md § Groups, Sync): a
 * {@link PeerFeature} that exchanges summaries with every member it has a session with (on link up
 * and every {@link #SYNC_PERIOD}), streams what the other lacks in bounded batches, stores what it
 * accepts before it acknowledges or relays it, and relays each newly accepted message once.
 *
 * <p>Threads: every group's state, every database write and every send run on one worker thread;
 * session threads and API callers hand off to it (API calls wait for their answer).
 */
@Slf4j
public final class GroupEngine implements PeerFeature, AutoCloseable {
    public static final Duration SYNC_PERIOD = Duration.ofSeconds(60);
    /** Invitations being assembled (a roster longer than one batch), in memory only. */
    static final int MAX_PENDING_INVITES = 8;

    private final IdentityKeyPair me;
    private final GroupStore store;
    private final Function<PeerId, Optional<IdentityKey>> contactKey;
    private final Clock clock;
    private final GroupWorker worker = new GroupWorker("parley-groups", "group engine");
    private final Scheduler.Timer syncTimer;
    private final Map<PeerId, PeerLink> links = new ConcurrentHashMap<>();
    private final PostsInbox inbox = new PostsInbox();
    /** Whom the session layer keeps (or accepts) sessions with for the groups, and each joined group's other members. */
    private final GroupSessionPeers peers;
    /** Told (on the worker, after the store) of every newly accepted message, own ones included: swarm offers ride in posts. */
    private volatile java.util.function.BiConsumer<GroupId, List<GroupMessage>> postListener = (g, m) -> {};
    // Worker thread only:
    private final Map<GroupId, GroupState> states = new HashMap<>();
    private final Map<GroupId, GroupStore.Status> status = new HashMap<>();
    private final Map<GroupId, GroupState> pendingInvites = new LinkedHashMap<>();
    /** Per group, the members whose summary arrived on their current link: they sync, so relays go to them. */
    private final Map<GroupId, Set<PeerId>> syncing = new HashMap<>();
    /** Per group and member, the member's latest summary on its current link. */
    private final Map<GroupId, Map<PeerId, GroupSummary>> theirSummary = new HashMap<>();
    /** Per group and member, the summary we last sent on its current link (an identical one is not sent again). */
    private final Map<GroupId, Map<PeerId, GroupSummary>> ourSummary = new HashMap<>();

    /**
     * {@code contactKey}: a contact's pinned key (who may be invited); {@code membersChanged}: told
     * (on the worker) when the set of members to keep sessions with changed.
     */
    public GroupEngine(IdentityKeyPair me, GroupStore store, Function<PeerId, Optional<IdentityKey>> contactKey,
                       Clock clock, Scheduler scheduler, Runnable membersChanged) {
        this.me = me;
        this.peers = new GroupSessionPeers(me.publicKey().peerId(), membersChanged);
        this.store = store;
        this.contactKey = contactKey;
        this.clock = clock;
        call(() -> {
            load();
            return null;
        });
        this.syncTimer = scheduler.scheduleRepeating(SYNC_PERIOD, SYNC_PERIOD, worker, this::syncAll);
    }

    /** Worker: every stored group back into memory, records re-offered as trusted (they were checked on arrival). */
    private void load() {
        for (GroupStore.GroupRow row : store.groups()) {
            GroupState s = new GroupState(row.id());
            for (RosterOp op : store.ops(row.id())) s.offerOp(op, true);
            for (GroupMessage m : store.messages(row.id())) s.offer(m, true);
            states.put(row.id(), s);
            status.put(row.id(), row.status());
        }
        refreshWanted();
    }

    // ---------------------------------------------------------------- API (any thread; waits for the worker)

    /** Founds a group with this member as its only member and admin. */
    public GroupInfo create(String name) {
        return call(() -> {
            byte[] salt = new byte[GroupId.SALT_LENGTH];
            new SecureRandom().nextBytes(salt);
            RosterOp op = RosterOp.create(me, name, salt, clock.millis());
            GroupState s = new GroupState(op.group());
            s.offerOp(op, true);
            store.addGroup(op.group(), name, GroupStore.Status.JOINED, null, List.of(op));
            states.put(op.group(), s);
            status.put(op.group(), GroupStore.Status.JOINED);
            refreshWanted();
            return info(op.group());
        });
    }

    /**
     * Adds contacts to a group (this member must be an admin); each gets the roster as an invitation.
     *
     * @throws GroupRefusedException not an admin, already a member, the group is full (16), or no
     *                               verified key for a contact yet
     */
    public void invite(GroupId group, List<PeerId> peers) {
        call(() -> {
            GroupState s = joined(group);
            for (PeerId p : peers) {
                IdentityKey key = contactKey.apply(p).orElseThrow(() -> new GroupRefusedException(
                        p.shortForm() + " has no verified key yet: connect to them once before inviting them"));
                RosterOp op = s.roster().next(me, RosterAction.ADD, key, null, null, clock.millis());
                applyOps(s, List.of(op), null);
            }
            return null;
        });
    }

    /** Removes a member (admins only); their messages after the last one this member holds are refused everywhere. */
    public void remove(GroupId group, PeerId member) {
        call(() -> {
            GroupState s = joined(group);
            IdentityKey key = memberKey(s, member);
            applyOps(s, List.of(s.roster().next(me, RosterAction.REMOVE, key, null, s.cutoffOf(key), clock.millis())), null);
            return null;
        });
    }

    /** Renames the group (admins only). */
    public void rename(GroupId group, String name) {
        call(() -> {
            GroupState s = joined(group);
            applyOps(s, List.of(s.roster().next(me, RosterAction.RENAME, null, name, null, clock.millis())), null);
            return null;
        });
    }

    /** Makes a member an admin, or takes it back (admins only; the last admin stays one). */
    public void setAdmin(GroupId group, PeerId member, boolean admin) {
        call(() -> {
            GroupState s = joined(group);
            IdentityKey key = memberKey(s, member);
            RosterAction a = admin ? RosterAction.PROMOTE : RosterAction.DEMOTE;
            applyOps(s, List.of(s.roster().next(me, a, key, null, null, clock.millis())), null);
            return null;
        });
    }

    /** Leaves the group (signed, so the others know); the group stays in history as LEFT. */
    public void leave(GroupId group) {
        call(() -> {
            GroupState s = joined(group);
            applyOps(s, List.of(s.roster().next(me, RosterAction.LEAVE, null, null, s.cutoffOf(me.publicKey()), clock.millis())), null);
            return null;
        });
    }

    /** Accepts an invitation: the group starts syncing with its members. */
    public void accept(GroupId group) {
        call(() -> {
            if (status.get(group) != GroupStore.Status.INVITED) throw new GroupRefusedException("no invitation to " + group.shortForm());
            if (!states.get(group).roster().isMember(me.publicKey())) {
                throw new GroupRefusedException("the invitation to " + group.shortForm() + " was withdrawn: you were removed");
            }
            store.setStatus(group, GroupStore.Status.JOINED);
            status.put(group, GroupStore.Status.JOINED);
            refreshWanted();
            for (PeerLink l : links.values()) linkUp(l);
            return null;
        });
    }

    /** Declines an invitation: nothing of the group is kept and nothing is said to its members. */
    public void decline(GroupId group) {
        call(() -> {
            if (status.get(group) != GroupStore.Status.INVITED) throw new GroupRefusedException("no invitation to " + group.shortForm());
            store.delete(group);
            states.remove(group);
            status.remove(group);
            refreshWanted();
            return null;
        });
    }

    /** Posts {@code text}: signed, stored (outbox) before it is sent to the members connected now; the others catch up. */
    public GroupPost send(GroupId group, String text) {
        return call(() -> {
            if (text == null || text.isBlank()) throw new IllegalArgumentException("message is empty");
            GroupState s = joined(group);
            GroupMessage m = s.compose(me, text, clock.millis());
            GroupState.Outcome o = s.offer(m, true);
            if (o.status() != GroupState.Status.ACCEPTED) throw new IllegalStateException("own message not accepted: " + o);
            store.addMessages(group, List.of(m), true);
            relay(s, List.of(m), null);
            postListener.accept(group, List.of(m));
            return store.post(m);
        });
    }

    public List<GroupInfo> groups() {
        return call(() -> states.keySet().stream().map(this::info).sorted((a, b) -> a.id().compareTo(b.id())).toList());
    }

    public Optional<GroupInfo> group(GroupId id) {
        return call(() -> states.containsKey(id) ? Optional.of(info(id)) : Optional.empty());
    }

    public List<GroupMember> members(GroupId group) {
        return call(() -> state(group).roster().members().stream()
                .map(m -> new GroupMember(Ids.app(m.key().peerId()), Ids.app(m.key()), m.name(), m.admin())).toList());
    }

    /** Shown messages in display order, after {@code after} (null: from the start), at most {@code limit}. */
    public List<GroupPost> history(GroupId group, GroupMessageId after, int limit) {
        return call(() -> {
            GroupState s = state(group);
            GroupMessage from = after == null ? null : s.get(after).orElseThrow(() -> new IllegalArgumentException("no message " + after));
            return store.history(group, from, limit).stream().map(store::post).toList();
        });
    }

    /**
     * The safety number with a member, from the key the roster names for them: compared out of band,
     * it raises "the admin says this is their key" to verified.
     */
    public String safetyNumber(GroupId group, PeerId member) {
        return call(() -> dev.parley.protocol.crypto.SafetyNumber.of(me.publicKey(), memberKey(state(group), member)));
    }

    /** Rejections counted in this run, per reason (diagnostics and tests). */
    public Map<Rejection, Long> rejections(GroupId group) {
        return call(() -> state(group).rejections());
    }

    /** Sets who hears of newly accepted messages (one listener; it runs on the worker and must hand off). */
    public void setPostListener(java.util.function.BiConsumer<GroupId, List<GroupMessage>> listener) {
        this.postListener = listener;
    }

    /** The other members of a group this member has joined (empty if it has not joined it); any thread. */
    public Optional<Set<PeerId>> joinedMembers(GroupId group) {
        return peers.joinedMembers(group);
    }

    /** Members that have acknowledged storing the message. */
    public List<PeerId> deliveredTo(GroupMessageId id) {
        return store.deliveredTo(id);
    }

    private GroupInfo info(GroupId id) {
        GroupState s = states.get(id);
        GroupStore.Status st = status.get(id);
        return new GroupInfo(Ids.app(id), s.roster().name(), GroupInfo.Status.valueOf(st.name()), s.roster().members().size(),
                s.roster().isAdmin(me.publicKey()));
    }

    private GroupState state(GroupId group) {
        GroupState s = states.get(group);
        if (s == null) throw new IllegalArgumentException("no group " + group.shortForm());
        return s;
    }

    private GroupState joined(GroupId group) {
        GroupState s = state(group);
        if (status.get(group) != GroupStore.Status.JOINED) throw new GroupRefusedException("not a member of " + group.shortForm() + " now");
        return s;
    }

    private static IdentityKey memberKey(GroupState s, PeerId member) {
        return s.roster().members().stream().map(Roster.Member::key).filter(k -> k.peerId().equals(member)).findFirst()
                .orElseThrow(() -> new GroupRefusedException(member.shortForm() + " is not a member"));
    }

    private <T> T call(Callable<T> task) {
        return worker.call(task);
    }

    // ---------------------------------------------------------------- PeerFeature (session threads: hand off)

    @Override
    public void onLinkUp(PeerLink link) {
        links.put(link.peer(), link);
        later(() -> {
            if (links.get(link.peer()) == link) linkUp(link);
        });
    }

    @Override
    public void onLinkDown(PeerId peer) {
        links.remove(peer);
        later(() -> {
            for (Set<PeerId> s : syncing.values()) s.remove(peer);
            for (Map<PeerId, GroupSummary> m : theirSummary.values()) m.remove(peer);
            for (Map<PeerId, GroupSummary> m : ourSummary.values()) m.remove(peer);
        });
    }

    @Override
    public void onControl(PeerId peer, PeerMessage message) {
        if (message instanceof GroupPosts p) {
            if (inbox.add(peer, p)) later(this::drainPosts);
        } else if (message instanceof GroupRoster || message instanceof GroupAck || message instanceof GroupSummary) {
            later(() -> handle(peer, message));
        }
    }

    /** Hands work to the worker; after close it is dropped (nothing was acknowledged for it, so peers send it again). */
    private void later(Runnable task) {
        worker.later(task);
    }

    @Override
    public Set<PeerId> peersWithPendingWork() {
        return peers.wanted();
    }

    /** Members need not be each other's contacts: sessions with them are verified against the roster's keys. */
    @Override
    public Map<PeerId, IdentityKey> nonContactKeys() {
        return peers.accepted();
    }

    @Override
    public boolean servesNonContacts() {
        return true;
    }

    // ---------------------------------------------------------------- worker thread

    private void refreshWanted() {
        peers.refresh(states, status);
    }

    private boolean isMember(GroupState s, PeerId peer) {
        return s.roster().members().stream().anyMatch(m -> m.key().peerId().equals(peer));
    }

    /**
     * A session with {@code link.peer()} opened: for every group we share, the roster and our summary;
     * a former member gets the roster only, so they learn they were removed.
     */
    private void linkUp(PeerLink link) {
        for (Map.Entry<GroupId, GroupState> e : states.entrySet()) {
            GroupState s = e.getValue();
            if (status.get(e.getKey()) != GroupStore.Status.JOINED) continue;
            if (isMember(s, link.peer())) {
                MemberChanges.sendRoster(link, s);
                sendSummary(link, s);
            } else if (MemberChanges.formerMember(s, link.peer())) {
                MemberChanges.sendRoster(link, s);
            }
        }
    }

    /** Our summary, unless the same one already went out on this link. */
    private void sendSummary(PeerLink link, GroupState s) {
        GroupSummary sum = s.summary();
        Map<PeerId, GroupSummary> sent = ourSummary.computeIfAbsent(s.group(), k -> new HashMap<>());
        if (sum.equals(sent.get(link.peer()))) return;
        sent.put(link.peer(), sum);
        link.sendControl(sum);
    }

    /** The periodic round: every summary goes out again and every answer counts as new. */
    private void syncAll() {
        theirSummary.clear();
        ourSummary.clear();
        for (PeerLink l : links.values()) {
            for (Map.Entry<GroupId, GroupState> e : states.entrySet()) {
                if (status.get(e.getKey()) == GroupStore.Status.JOINED && isMember(e.getValue(), l.peer())) sendSummary(l, e.getValue());
            }
        }
    }

    private void handle(PeerId peer, PeerMessage message) {
        if (message instanceof GroupRoster r) {
            roster(peer, r);
            return;
        }
        GroupId g = message instanceof GroupAck a ? a.group() : ((GroupSummary) message).group();
        GroupState s = states.get(g);
        if (s != null && status.get(g) == GroupStore.Status.JOINED && message instanceof GroupSummary sum
                && MemberChanges.formerMember(s, peer) && !sum.head().equals(s.roster().head())) {
            PeerLink l = links.get(peer);
            if (l != null) MemberChanges.sendRoster(l, s); // they have not heard they are out
            return;
        }
        if (s == null || status.get(g) != GroupStore.Status.JOINED || !isMember(s, peer)) {
            log.debug("ignoring {} from {} for group {}", message.getClass().getSimpleName(), peer.shortForm(), g.shortForm());
            return;
        }
        if (message instanceof GroupAck a) {
            store.delivered(peer, a.ids());
        } else {
            summary(peer, s, (GroupSummary) message);
        }
    }

    /** Roster operations: an invitation for a group we do not know, or updates to one we do. */
    private void roster(PeerId peer, GroupRoster r) {
        GroupState s = states.get(r.group());
        if (s != null) {
            if (status.get(r.group()) != GroupStore.Status.LEFT) applyOps(s, r.ops(), peer);
            return;
        }
        GroupState pending = pendingInvites.get(r.group());
        if (pending == null) {
            if (pendingInvites.size() >= MAX_PENDING_INVITES) pendingInvites.remove(pendingInvites.keySet().iterator().next());
            pending = new GroupState(r.group());
            pendingInvites.put(r.group(), pending);
        }
        for (RosterOp op : r.ops()) pending.offerOp(op, false);
        if (!pending.roster().isMember(me.publicKey())) return; // not (yet) for us
        pendingInvites.remove(r.group());
        // The inviter is the admin whose add made us a member (whoever relayed the roster to us).
        PeerId inviter = peer;
        for (RosterOp op : pending.roster().ordered()) {
            if (op.action() == RosterAction.ADD && me.publicKey().equals(op.member()) && !pending.roster().isVoid(op.id())) {
                inviter = op.author().peerId();
            }
        }
        // Consent: this is an invitation until the user accepts (docs/protocol.md § Groups).
        store.addGroup(r.group(), pending.roster().name(), GroupStore.Status.INVITED, inviter, pending.roster().ordered());
        states.put(r.group(), pending);
        status.put(r.group(), GroupStore.Status.INVITED);
        refreshWanted();
        log.info("invited to group {} by {}", r.group().shortForm(), peer.shortForm());
    }

    /**
     * Offers operations (ours, or from {@code from}), stores what is kept with the membership changes
     * it made, relays it once to the other members that sync, and sends the whole roster to members
     * it added that are connected.
     */
    private void applyOps(GroupState s, List<RosterOp> ops, PeerId from) {
        GroupId g = s.group();
        Map<IdentityKey, Roster.Member> before = MemberChanges.membersByKey(s);
        List<RosterOp> kept = new ArrayList<>();
        List<GroupMessage> released = new ArrayList<>();
        List<GroupMessageId> shown = new ArrayList<>(), hidden = new ArrayList<>();
        for (RosterOp op : ops) {
            GroupState.RosterChange c = s.offerOp(op, from == null);
            if (c.status() == Roster.Status.REFUSED && from == null) throw new GroupRefusedException(c.reason());
            kept.addAll(c.kept());
            released.addAll(c.accepted());
            shown.addAll(c.shown());
            hidden.addAll(c.hidden());
        }
        if (kept.isEmpty()) return;
        Map<IdentityKey, Roster.Member> after = MemberChanges.membersByKey(s);
        List<GroupStore.MemberChange> changes = MemberChanges.between(before, after, kept);
        store.applyRoster(g, kept, changes, hidden, shown, released, s.roster().name());
        if (!s.roster().isMember(me.publicKey()) && status.get(g) == GroupStore.Status.JOINED) {
            store.setStatus(g, GroupStore.Status.LEFT);
            status.put(g, GroupStore.Status.LEFT);
        }
        refreshWanted();
        for (PeerLink l : links.values()) {
            PeerId p = l.peer();
            if (p.equals(from) || !after.keySet().stream().anyMatch(k -> k.peerId().equals(p)) && !before.keySet().stream().anyMatch(k -> k.peerId().equals(p))) continue;
            boolean added = changes.stream().anyMatch(c -> c.member().equals(p) && c.change() == GroupMember.Change.ADDED);
            if (added) MemberChanges.sendRoster(l, s);
            else if (kept.size() > GroupLimits.MAX_ROSTER_BATCH) MemberChanges.sendRoster(l, s);
            else l.sendControl(new GroupRoster(g, kept));
        }
        if (!released.isEmpty()) relay(s, released, from);
        if (!released.isEmpty()) postListener.accept(g, List.copyOf(released));
    }

    /** Every batch that arrived meanwhile, per group: from current members only, handled together. */
    private void drainPosts() {
        Map<GroupId, List<PostsInbox.Incoming>> byGroup = new LinkedHashMap<>();
        for (PostsInbox.Incoming in : inbox.drain()) {
            GroupId g = in.posts().group();
            GroupState s = states.get(g);
            if (s == null || status.get(g) != GroupStore.Status.JOINED || !isMember(s, in.peer())) {
                log.debug("ignoring group-msgs from {} for group {}", in.peer().shortForm(), g.shortForm());
                continue;
            }
            byGroup.computeIfAbsent(g, k -> new ArrayList<>()).add(in);
        }
        for (Map.Entry<GroupId, List<PostsInbox.Incoming>> e : byGroup.entrySet()) posts(states.get(e.getKey()), e.getValue());
    }

    /**
     * Batches from members: offered in arrival order, what is accepted stored in one transaction, then
     * acked (one ack per member, within the id limit), then relayed (each once), then the next pulled.
     */
    private void posts(GroupState s, List<PostsInbox.Incoming> batches) {
        List<GroupMessage> accepted = new ArrayList<>();
        Map<PeerId, List<GroupMessage>> fromPeer = new LinkedHashMap<>();
        Map<PeerId, List<GroupMessageId>> acks = new LinkedHashMap<>();
        for (PostsInbox.Incoming in : batches) {
            for (GroupMessage m : in.posts().messages()) {
                GroupState.Outcome o = s.offer(m, false);
                accepted.addAll(o.accepted());
                fromPeer.computeIfAbsent(in.peer(), k -> new ArrayList<>()).addAll(o.accepted());
                if (o.status() == GroupState.Status.ACCEPTED || o.rejection() == Rejection.REPLAY) {
                    acks.computeIfAbsent(in.peer(), k -> new ArrayList<>()).add(m.id());
                }
            }
        }
        store.addMessages(s.group(), accepted, false);
        if (!accepted.isEmpty()) postListener.accept(s.group(), List.copyOf(accepted));
        for (Map.Entry<PeerId, List<GroupMessageId>> a : acks.entrySet()) {
            PeerLink link = links.get(a.getKey());
            List<GroupMessageId> ids = a.getValue();
            for (int i = 0; link != null && i < ids.size(); i += GroupLimits.MAX_BATCH) {
                link.sendControl(new GroupAck(s.group(), List.copyOf(ids.subList(i, Math.min(ids.size(), i + GroupLimits.MAX_BATCH)))));
            }
        }
        for (Map.Entry<PeerId, List<GroupMessage>> f : fromPeer.entrySet()) {
            relay(s, f.getValue(), f.getKey());
            // Pull the next batch while the sender's last summary shows more than we hold.
            PeerLink link = links.get(f.getKey());
            GroupSummary theirs = theirSummary.getOrDefault(s.group(), Map.of()).get(f.getKey());
            if (link != null && !f.getValue().isEmpty() && theirs != null && s.lacksFrom(theirs)) sendSummary(link, s);
        }
    }

    /** Each newly accepted message once to every member that syncs with us, except where it came from and its author. */
    private void relay(GroupState s, List<GroupMessage> messages, PeerId from) {
        if (messages.isEmpty()) return;
        Set<PeerId> targets = new HashSet<>(syncing.getOrDefault(s.group(), Set.of()));
        if (from == null) {
            // Our own: to every connected member, synced or not yet.
            for (Roster.Member m : s.roster().members()) {
                if (links.containsKey(m.key().peerId())) targets.add(m.key().peerId());
            }
        }
        targets.remove(from);
        targets.remove(me.publicKey().peerId());
        for (PeerId t : targets) {
            PeerLink l = links.get(t);
            if (l == null || !isMember(s, t)) continue;
            List<GroupMessage> theirs = messages.stream().filter(m -> !m.author().peerId().equals(t)).toList();
            for (List<GroupMessage> batch : GroupState.batches(theirs)) l.sendControl(new GroupPosts(s.group(), batch));
        }
    }

    /** A member's summary: the roster if theirs differs, the next batch they lack, our summary if we lack something. */
    private void summary(PeerId peer, GroupState s, GroupSummary sum) {
        PeerLink link = links.get(peer);
        if (link == null) return;
        syncing.computeIfAbsent(s.group(), k -> new HashSet<>()).add(peer);
        GroupSummary previous = theirSummary.computeIfAbsent(s.group(), k -> new HashMap<>()).put(peer, sum);
        // The same summary again on this link: its answer is on its way already.
        if (sum.equals(previous)) return;
        // Their chain of ours: what reached them through another member counts as delivered too.
        for (GroupSummary.Chain c : sum.chains()) if (c.author().equals(me.publicKey().peerId())) store.deliveredThrough(s.group(), peer, c.seq());
        if (!sum.head().equals(s.roster().head())) MemberChanges.sendRoster(link, s);
        List<GroupMessage> batch = s.missingFor(sum);
        if (!batch.isEmpty()) link.sendControl(new GroupPosts(s.group(), batch));
        if (s.lacksFrom(sum)) sendSummary(link, s);
    }

    @Override
    public void close() {
        syncTimer.cancel();
        worker.close();
    }
}
