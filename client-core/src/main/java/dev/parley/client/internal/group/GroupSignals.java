package dev.parley.client.internal.group;

import dev.parley.client.ParleyEvent;
import dev.parley.client.internal.Ids;
import dev.parley.client.internal.event.EventSink;
import dev.parley.client.internal.session.PeerFeature;
import dev.parley.client.internal.session.PeerLink;
import dev.parley.client.internal.store.GroupReceiptStore;
import dev.parley.client.internal.time.Scheduler;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.GroupMessageId;
import dev.parley.protocol.peer.GroupRead;
import dev.parley.protocol.peer.GroupTyping;
import dev.parley.protocol.peer.PeerMessage;
import lombok.extern.slf4j.Slf4j;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Read marks and typing in groups (docs/protocol.md § Groups, Receipts and typing): per-member
 * signals each member sends about itself, directly to the members it has a session with; never
 * relayed, so they need no signature (the pairwise session is verified against the roster's key).
 * A member's read mark is sent when it moves and again on every session open; a mark from someone
 * who is not a member of the group now, or for a message not stored here, is ignored. Delivery
 * ("stored by") is the group engine's acks and summaries.
 *
 * <p>Threads: one worker for state, database writes and sends; session threads and API callers hand off.
 */
@Slf4j
public final class GroupSignals implements PeerFeature, AutoCloseable {
    static final long TYPING_REPEAT_MS = 3_000;
    static final long TYPING_EXPIRY_MS = 6_000;

    private record Key(GroupId group, PeerId peer) {}

    private final PeerId me;
    private final GroupReceiptStore store;
    private final Function<GroupId, Optional<Set<PeerId>>> members;
    private final EventSink events;
    private final Clock clock;
    private final Scheduler scheduler;
    private final GroupWorker worker = new GroupWorker("parley-group-signals", "group signals");
    private final Map<PeerId, PeerLink> links = new ConcurrentHashMap<>();
    // Worker thread only:
    private final Map<GroupId, Long> typingSentAt = new HashMap<>();
    private final Map<Key, Scheduler.Timer> typingExpiry = new HashMap<>();

    /** {@code members}: the other members of a group this member has joined (empty if it has not), any thread. */
    public GroupSignals(PeerId me, GroupReceiptStore store, Function<GroupId, Optional<Set<PeerId>>> members, EventSink events,
                        Clock clock, Scheduler scheduler) {
        this.me = me;
        this.store = store;
        this.members = members;
        this.events = events;
        this.clock = clock;
        this.scheduler = scheduler;
    }

    // ---------------------------------------------------------------- API (any thread)

    /**
     * Marks the group read up to {@code upTo} (null: its last shown message) and tells the members
     * connected now; the others hear it on their next session. A mark never moves back.
     */
    public void markRead(GroupId group, GroupMessageId upTo) {
        call(() -> {
            Set<PeerId> others = joined(group);
            Optional<GroupMessageId> target = upTo != null ? Optional.of(upTo) : store.latestShown(group);
            if (target.isEmpty()) return null;
            if (!store.holds(group, target.get())) throw new IllegalArgumentException("no message " + target.get().shortForm() + " in the group");
            if (!store.advance(group, me, target.get(), false)) return null; // at or before the mark already
            GroupRead r = new GroupRead(group, target.get());
            for (PeerId p : others) send(p, r);
            return null;
        });
    }

    /** Tells the connected members this member is (or stopped) typing; a repeated "typing" goes out at most every 3 s. */
    public void setTyping(GroupId group, boolean typing) {
        call(() -> {
            Set<PeerId> others = joined(group);
            long now = clock.millis();
            if (typing) {
                Long last = typingSentAt.get(group);
                if (last != null && now - last < TYPING_REPEAT_MS) return null;
                typingSentAt.put(group, now);
            } else if (typingSentAt.remove(group) == null) {
                return null;
            }
            GroupTyping t = new GroupTyping(group, typing);
            for (PeerId p : others) send(p, t);
            return null;
        });
    }

    /** The other members (not the author) whose read mark is at or after the message. */
    public List<PeerId> readBy(GroupMessageId message) {
        return store.readBy(message);
    }

    private Set<PeerId> joined(GroupId group) {
        return members.apply(group).orElseThrow(() -> new IllegalStateException("not a member of " + group.shortForm() + " now"));
    }

    private boolean isMember(GroupId group, PeerId peer) {
        return members.apply(group).map(m -> m.contains(peer)).orElse(false);
    }

    private void send(PeerId peer, PeerMessage m) {
        PeerLink l = links.get(peer);
        if (l != null) l.sendControl(m);
    }

    private <T> T call(Callable<T> task) {
        return worker.call(task);
    }

    // ---------------------------------------------------------------- PeerFeature (session threads: hand off)

    @Override
    public void onLinkUp(PeerLink link) {
        links.put(link.peer(), link);
        later(() -> {
            if (links.get(link.peer()) != link) return;
            for (GroupId g : store.groupsWithMark(me)) {
                if (!isMember(g, link.peer())) continue;
                store.mark(g, me).ifPresent(m -> link.sendControl(new GroupRead(g, m)));
            }
        });
    }

    @Override
    public void onLinkDown(PeerId peer) {
        links.remove(peer);
        later(() -> {
            for (Key k : List.copyOf(typingExpiry.keySet())) if (k.peer().equals(peer)) stopTyping(k);
        });
    }

    @Override
    public void onControl(PeerId peer, PeerMessage message) {
        if (message instanceof GroupRead r) {
            later(() -> {
                if (!isMember(r.group(), peer)) return;
                store.advance(r.group(), peer, r.upTo(), true);
            });
        } else if (message instanceof GroupTyping t) {
            later(() -> {
                if (isMember(t.group(), peer)) typing(new Key(t.group(), peer), t.active());
            });
        }
    }

    @Override
    public boolean servesNonContacts() {
        return true;
    }

    private void later(Runnable task) {
        worker.later(task);
    }

    // ---------------------------------------------------------------- worker thread

    private void typing(Key k, boolean active) {
        Scheduler.Timer old = typingExpiry.remove(k);
        if (old != null) old.cancel();
        if (active) {
            Scheduler.Timer[] mine = new Scheduler.Timer[1];
            // A timer handed off just before a cancel must not end a newer typing period.
            mine[0] = scheduler.schedule(Duration.ofMillis(TYPING_EXPIRY_MS), worker, () -> {
                if (typingExpiry.remove(k, mine[0])) publishTyping(k, false);
            });
            typingExpiry.put(k, mine[0]);
            if (old == null) publishTyping(k, true);
        } else if (old != null) {
            publishTyping(k, false);
        }
    }

    private void stopTyping(Key k) {
        Scheduler.Timer old = typingExpiry.remove(k);
        if (old != null) {
            old.cancel();
            publishTyping(k, false);
        }
    }

    private void publishTyping(Key k, boolean typing) {
        events.publish(new ParleyEvent.GroupTyping(Ids.app(k.group()), Ids.app(k.peer()), typing));
    }

    @Override
    public void close() {
        worker.close();
    }
}
