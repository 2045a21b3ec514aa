package dev.parley.client.internal.group;

import dev.parley.protocol.crypto.IdentityKey;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.group.Cutoff;
import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.GroupLimits;
import dev.parley.protocol.group.GroupMessage;
import dev.parley.protocol.group.GroupMessageId;
import dev.parley.protocol.group.RosterOp;
import dev.parley.protocol.peer.GroupSummary;
import lombok.extern.slf4j.Slf4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One group as a member holds it: the {@link Roster} and the messages, with the acceptance rules of
 * docs/protocol.md § Groups. A message is offered from anywhere; it is accepted, waits for what it
 * depends on (bounded), or is rejected with a counted {@link Rejection}. Rejected messages are never
 * held, so they can be neither shown nor relayed.
 *
 * <p>Plain data, no I/O, not thread-safe: the group engine confines each group to its worker thread.
 */
@Slf4j
public final class GroupState {
    /** Messages waiting for their prev, deps or roster point. */
    public static final int MAX_WAITING = 1024;

    /** Display order: lamport, then author (raw key, unsigned), then seq. The same at every member. */
    public static final Comparator<GroupMessage> DISPLAY_ORDER = Comparator.comparingLong(GroupMessage::lamport)
            .thenComparing((a, b) -> Arrays.compareUnsigned(a.author().raw(), b.author().raw()))
            .thenComparingLong(GroupMessage::seq);

    public enum Status { ACCEPTED, WAITING, REJECTED }

    /**
     * {@code accepted}: this message and those that waited for it, in acceptance order (each newly
     * held and shown: store, then relay, these); {@code rejection} when rejected.
     */
    public record Outcome(Status status, Rejection rejection, List<GroupMessage> accepted) {}

    /** What a roster operation changed: newly kept operations, messages now accepted (were waiting), shown again, hidden. */
    public record RosterChange(Roster.Status status, String reason, List<RosterOp> kept, List<GroupMessage> accepted,
                               List<GroupMessageId> shown, List<GroupMessageId> hidden) {}

    private final Roster roster;
    private final Map<GroupMessageId, GroupMessage> held = new HashMap<>();
    private final Map<IdentityKey, TreeMap<Long, GroupMessage>> chains = new HashMap<>();
    private final Set<GroupMessageId> hidden = new HashSet<>();
    private final Set<IdentityKey> flagged = new LinkedHashSet<>();
    /** Waiting messages by the id (message or roster operation) they wait for. */
    private final Map<String, List<GroupMessage>> blockedOn = new HashMap<>();
    private final Set<GroupMessageId> waitingIds = new HashSet<>();
    /**
     * Recently rejected messages (at most {@link #MAX_WAITING}), so one arriving after them that names
     * one as prev or dep is rejected with it instead of waiting for it forever. One rejected for its
     * standing (rule 9) is forgotten when a roster change would accept it now (it comes again with sync).
     */
    private final Map<GroupMessageId, Rejected> rejectedIds = new java.util.LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<GroupMessageId, Rejected> eldest) {
            return size() > MAX_WAITING;
        }
    };

    private record Rejected(GroupMessage message, Rejection reason) {}
    private final EnumMap<Rejection, Long> rejections = new EnumMap<>(Rejection.class);

    public GroupState(GroupId group) {
        this.roster = new Roster(group);
    }

    public GroupId group() {
        return roster.group();
    }

    public Roster roster() {
        return roster;
    }

    // ---- roster ----------------------------------------------------------------------------------

    /** Offers a roster operation; on a change, re-runs waiting messages and rule 9 over the held ones. */
    public RosterChange offerOp(RosterOp op, boolean trusted) {
        Roster.Outcome o = roster.offer(op, trusted);
        if (o.status() != Roster.Status.KEPT) {
            if (o.status() == Roster.Status.REFUSED) log.info("group {}: roster operation {} refused: {}", group().shortForm(), op.action().wire(), o.reason());
            return new RosterChange(o.status(), o.reason(), List.of(), List.of(), List.of(), List.of());
        }
        rejectedIds.values().removeIf(x -> (x.reason() == Rejection.NOT_MEMBER || x.reason() == Rejection.AFTER_CUTOFF)
                && roster.has(x.message().roster()) && standing(x.message()) == null);
        List<GroupMessage> accepted = new ArrayList<>();
        for (RosterOp k : o.kept()) release(k.id().value(), accepted);
        List<GroupMessageId> nowShown = new ArrayList<>(), nowHidden = new ArrayList<>();
        for (GroupMessage m : held.values()) {
            if (accepted.contains(m)) continue;
            boolean visible = standing(m) == null;
            GroupMessageId id = m.id();
            if (visible && hidden.remove(id)) nowShown.add(id);
            if (!visible && hidden.add(id)) nowHidden.add(id);
        }
        return new RosterChange(Roster.Status.KEPT, null, o.kept(), accepted, nowShown, nowHidden);
    }

    // ---- messages --------------------------------------------------------------------------------

    /** Offers a message; {@code trusted} skips the signature (read back from our own store). */
    public Outcome offer(GroupMessage m, boolean trusted) {
        List<GroupMessage> accepted = new ArrayList<>();
        Rejection r = check(m, trusted, accepted);
        if (r != null) {
            rejections.merge(r, 1L, Long::sum);
            dropWaitingOn(m, r);
            if (r != Rejection.REPLAY) {
                log.info("group {}: message {}#{} by {} rejected: {}", group().shortForm(), m.author().peerId().shortForm(),
                        m.seq(), m.author().peerId().shortForm(), r.label());
            }
            return new Outcome(Status.REJECTED, r, List.of());
        }
        return new Outcome(accepted.isEmpty() ? Status.WAITING : Status.ACCEPTED, null, accepted);
    }

    /** The rules in their documented order; null when accepted (into {@code accepted}) or waiting. */
    private Rejection check(GroupMessage m, boolean trusted, List<GroupMessage> accepted) {
        if (!m.group().equals(group())) return Rejection.BAD_SIGNATURE;
        // A copy of a held message (same signed bytes, so same id) is a replay before any signature
        // check: in a mesh every message arrives once per relaying member, and the held copy was verified.
        GroupMessageId id = m.id();
        if (held.containsKey(id)) return Rejection.REPLAY;
        if (!trusted && !m.verify()) return Rejection.BAD_SIGNATURE;
        GroupMessage same = chain(m.author()).get(m.seq());
        if (same != null) {
            if (flagged.add(m.author())) log.warn("group {}: {} forked its chain at seq {}", group().shortForm(), m.author().peerId().shortForm(), m.seq());
            return Rejection.FORK;
        }
        if (m.oversize()) return Rejection.OVERSIZE;
        if (!roster.everAdded(m.author()) && roster.has(m.roster())) return Rejection.NOT_MEMBER;
        if (waitingIds.contains(id)) return null;
        // Rule 7: wait for the roster point, prev and deps.
        String missing = null;
        if (!roster.has(m.roster())) {
            missing = m.roster().value();
        } else if (m.prev() != null && !held.containsKey(m.prev())) {
            GroupMessage before = chain(m.author()).get(m.seq() - 1);
            if (before != null) return Rejection.BAD_CHAIN;
            missing = m.prev().value();
        } else {
            for (GroupMessageId d : m.deps()) {
                if (!held.containsKey(d)) {
                    missing = d.value();
                    break;
                }
            }
        }
        if (missing != null) {
            Rejected before = rejectedIds.get(GroupMessageId.of(missing));
            if (before != null) return before.reason();
            if (waitingIds.size() >= MAX_WAITING) return Rejection.OVERFLOW;
            blockedOn.computeIfAbsent(missing, k -> new ArrayList<>()).add(m);
            waitingIds.add(id);
            return null;
        }
        if (m.prev() != null) {
            GroupMessage p = held.get(m.prev());
            if (!p.author().equals(m.author()) || p.seq() != m.seq() - 1) return Rejection.BAD_CHAIN;
        }
        long floor = m.prev() == null ? 0 : held.get(m.prev()).lamport();
        for (GroupMessageId d : m.deps()) floor = Math.max(floor, held.get(d).lamport());
        if (m.lamport() <= floor) return Rejection.BAD_CLOCK;
        Rejection standing = standing(m);
        if (standing != null) return standing;
        hold(m, id);
        accepted.add(m);
        release(id.value(), accepted);
        return null;
    }

    /** Rule 9 under the current roster: null if the author may have posted it, else why not. */
    private Rejection standing(GroupMessage m) {
        if (!roster.memberAt(m.author(), m.roster())) return Rejection.NOT_MEMBER;
        Optional<Cutoff> c = roster.cutoffAfter(m.author(), m.roster());
        return c.isPresent() && m.seq() > c.get().seq() ? Rejection.AFTER_CUTOFF : null;
    }

    private void hold(GroupMessage m, GroupMessageId id) {
        held.put(id, m);
        chain(m.author()).put(m.seq(), m);
    }

    /** Re-offers what waited for {@code key}, now held or kept. */
    private void release(String key, List<GroupMessage> accepted) {
        List<GroupMessage> blocked = blockedOn.remove(key);
        if (blocked == null) return;
        for (GroupMessage w : blocked) {
            waitingIds.remove(w.id());
            Rejection r = check(w, true, accepted);
            if (r != null) {
                rejections.merge(r, 1L, Long::sum);
                dropWaitingOn(w, r);
            }
        }
    }

    /**
     * {@code m} was rejected: what waits for it can never be accepted through it, so it is rejected
     * with it (same reason, counted), rather than hold a waiting slot until the limit overflows. Not
     * for a replay (the held copy released them already) nor a bad signature (a forged copy shares the
     * real message's id and says nothing about it).
     */
    private void dropWaitingOn(GroupMessage m, Rejection r) {
        if (r == Rejection.REPLAY || r == Rejection.BAD_SIGNATURE) return;
        rejectedIds.put(m.id(), new Rejected(m, r));
        List<GroupMessage> blocked = blockedOn.remove(m.id().value());
        if (blocked == null) return;
        for (GroupMessage w : blocked) {
            if (!waitingIds.remove(w.id())) continue;
            rejections.merge(r, 1L, Long::sum);
            dropWaitingOn(w, r);
        }
    }

    private TreeMap<Long, GroupMessage> chain(IdentityKey author) {
        return chains.computeIfAbsent(author, k -> new TreeMap<>());
    }

    // ---- answers ---------------------------------------------------------------------------------

    public boolean holds(GroupMessageId id) {
        return held.containsKey(id);
    }

    public Optional<GroupMessage> get(GroupMessageId id) {
        return Optional.ofNullable(held.get(id));
    }

    public boolean isShown(GroupMessageId id) {
        return held.containsKey(id) && !hidden.contains(id);
    }

    /** The messages a member sees, in display order. */
    public List<GroupMessage> display() {
        List<GroupMessage> out = new ArrayList<>();
        for (GroupMessage m : held.values()) {
            if (!hidden.contains(m.id())) out.add(m);
        }
        out.sort(DISPLAY_ORDER);
        return out;
    }

    public int waiting() {
        return waitingIds.size();
    }

    public long rejected(Rejection r) {
        return rejections.getOrDefault(r, 0L);
    }

    public Map<Rejection, Long> rejections() {
        return Map.copyOf(rejections);
    }

    /** Authors caught with two messages under one seq. */
    public Set<IdentityKey> flaggedAuthors() {
        return Set.copyOf(flagged);
    }

    /** The highest seq held of {@code author} (all held chains are gap-free from 1). */
    public long chainLength(IdentityKey author) {
        TreeMap<Long, GroupMessage> c = chains.get(author);
        return c == null || c.isEmpty() ? 0 : c.lastKey();
    }

    // ---- sync ------------------------------------------------------------------------------------

    /** This member's summary for the others; null while the roster is empty. */
    public GroupSummary summary() {
        if (roster.isEmpty()) return null;
        List<GroupSummary.Chain> out = new ArrayList<>();
        for (Map.Entry<IdentityKey, TreeMap<Long, GroupMessage>> e : chains.entrySet()) {
            if (!e.getValue().isEmpty()) out.add(new GroupSummary.Chain(e.getKey().peerId(), e.getValue().lastKey()));
        }
        out.sort(Comparator.comparing(GroupSummary.Chain::author));
        if (out.size() > GroupLimits.MAX_SUMMARY_AUTHORS) out = out.subList(0, GroupLimits.MAX_SUMMARY_AUTHORS);
        return new GroupSummary(group(), roster.head(), roster.size(), out);
    }

    /** Whether {@code s} shows something this member lacks (another roster, or a longer chain). */
    public boolean lacksFrom(GroupSummary s) {
        if (!s.head().equals(roster.head()) && !roster.has(s.head())) return true;
        if (s.ops() > roster.size()) return true;
        for (GroupSummary.Chain c : s.chains()) {
            if (c.seq() > lengthOrZero(keyOf(c))) return true;
        }
        return false;
    }

    private IdentityKey keyOf(GroupSummary.Chain c) {
        for (IdentityKey k : chains.keySet()) {
            if (k.peerId().equals(c.author())) return k;
        }
        return null;
    }

    private long lengthOrZero(IdentityKey keyOrNull) {
        return keyOrNull == null ? 0 : chainLength(keyOrNull);
    }

    /**
     * The next batch of shown messages {@code s} lacks, each author's in seq order, within
     * {@link GroupLimits#MAX_BATCH} messages and about {@link GroupLimits#MAX_BATCH_BYTES} encoded.
     */
    public List<GroupMessage> missingFor(GroupSummary s) {
        Map<String, Long> theirs = new HashMap<>();
        for (GroupSummary.Chain c : s.chains()) theirs.put(c.author().value(), c.seq());
        List<GroupMessage> out = new ArrayList<>();
        long bytes = 0;
        List<IdentityKey> authors = new ArrayList<>(chains.keySet());
        authors.sort((a, b) -> Arrays.compareUnsigned(a.raw(), b.raw()));
        for (IdentityKey a : authors) {
            long have = theirs.getOrDefault(a.peerId().value(), 0L);
            for (GroupMessage m : chains.get(a).tailMap(have, false).values()) {
                if (hidden.contains(m.id())) break; // what follows in this chain cannot be accepted without it
                long size = encodedSize(m);
                if (out.size() >= GroupLimits.MAX_BATCH || (!out.isEmpty() && bytes + size > GroupLimits.MAX_BATCH_BYTES)) return out;
                out.add(m);
                bytes += size;
            }
        }
        return out;
    }

    /** {@code messages} cut into batches within {@link GroupLimits#MAX_BATCH} messages and about {@link GroupLimits#MAX_BATCH_BYTES}. */
    public static List<List<GroupMessage>> batches(List<GroupMessage> messages) {
        List<List<GroupMessage>> out = new ArrayList<>();
        List<GroupMessage> cur = new ArrayList<>();
        long bytes = 0;
        for (GroupMessage m : messages) {
            long size = encodedSize(m);
            if (cur.size() >= GroupLimits.MAX_BATCH || (!cur.isEmpty() && bytes + size > GroupLimits.MAX_BATCH_BYTES)) {
                out.add(cur);
                cur = new ArrayList<>();
                bytes = 0;
            }
            cur.add(m);
            bytes += size;
        }
        if (!cur.isEmpty()) out.add(cur);
        return out;
    }

    /** An upper bound of a message's JSON size: fixed fields plus the body as JSON escapes it. */
    static long encodedSize(GroupMessage m) {
        long n = 700 + 48L * m.deps().size();
        String b = m.body();
        for (int i = 0; i < b.length(); i++) {
            char c = b.charAt(i);
            n += c < 0x20 ? 6 : c == '"' || c == '\\' ? 2 : c < 0x80 ? 1 : Character.isSurrogate(c) ? 2 : c < 0x800 ? 2 : 3;
        }
        return n;
    }

    // ---- posting ---------------------------------------------------------------------------------

    /**
     * Signs this member's next message: seq and prev continue its chain, deps are the other authors'
     * latest shown messages (the most recent 16), roster the current head, lamport one above them.
     *
     * @throws GroupRefusedException if {@code me} is not a member now
     */
    public GroupMessage compose(IdentityKeyPair me, String body, long timeMs) {
        IdentityKey key = me.publicKey();
        if (!roster.isMember(key)) throw new GroupRefusedException("you are not a member of this group");
        TreeMap<Long, GroupMessage> mine = chain(key);
        GroupMessage prev = mine.isEmpty() ? null : mine.lastEntry().getValue();
        List<GroupMessage> heads = new ArrayList<>();
        for (Map.Entry<IdentityKey, TreeMap<Long, GroupMessage>> e : chains.entrySet()) {
            if (e.getKey().equals(key) || e.getValue().isEmpty()) continue;
            GroupMessage h = e.getValue().lastEntry().getValue();
            if (!hidden.contains(h.id())) heads.add(h);
        }
        heads.sort(DISPLAY_ORDER.reversed());
        if (heads.size() > GroupLimits.MAX_DEPS) heads = heads.subList(0, GroupLimits.MAX_DEPS);
        long lamport = prev == null ? 0 : prev.lamport();
        for (GroupMessage h : heads) lamport = Math.max(lamport, h.lamport());
        return GroupMessage.sign(me, group(), prev == null ? 1 : prev.seq() + 1, prev == null ? null : prev.id(),
                heads.stream().map(GroupMessage::id).toList(), roster.head(), lamport + 1, timeMs, body);
    }

    /** The cutoff for a removal of (or leave by) {@code member}: its last message this member holds. */
    public Cutoff cutoffOf(IdentityKey member) {
        TreeMap<Long, GroupMessage> c = chains.get(member);
        if (c == null || c.isEmpty()) return Cutoff.NONE;
        GroupMessage last = c.lastEntry().getValue();
        return new Cutoff(last.seq(), last.id());
    }
}
