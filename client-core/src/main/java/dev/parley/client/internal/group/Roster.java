package dev.parley.client.internal.group;

import dev.parley.protocol.crypto.IdentityKey;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.group.Cutoff;
import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.GroupLimits;
import dev.parley.protocol.group.RosterAction;
import dev.parley.protocol.group.RosterOp;
import dev.parley.protocol.group.RosterOpId;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A group's roster: the kept operations, their one total order and the membership that applying them
 * in that order gives (docs/protocol.md § Groups, "Order and the conflict rule"). Two rosters holding
 * the same operations are equal in every answer, whatever order the operations arrived in.
 *
 * <p>Plain data, no I/O, not thread-safe: its owner ({@link GroupState}) confines it to one thread.
 */
public final class Roster {
    /** Operations waiting for their {@code prev}. */
    static final int MAX_WAITING = 256;

    /**
     * The total order: lamport, then restrictive actions (remove, demote, leave) first, then id as
     * unsigned bytes. A topological order, since every kept operation has a higher clock than its prev.
     */
    public static final Comparator<RosterOp> ORDER = Comparator.comparingLong(RosterOp::lamport)
            .thenComparingInt(op -> op.action().restricts() ? 0 : 1)
            .thenComparing((a, b) -> Arrays.compareUnsigned(a.id().bytes(), b.id().bytes()));

    /** A member as the roster has it: the key the admin signed, admin or not, the admin's label. */
    public record Member(IdentityKey key, boolean admin, String name) {}

    /** What became of an offered operation. */
    public enum Status { KEPT, DUPLICATE, WAITING, REFUSED }

    /** {@code kept}: this operation and any that waited for it, in arrival order; {@code reason} when refused. */
    public record Outcome(Status status, String reason, List<RosterOp> kept) {}

    /** One effective ending (remove or leave) of a member, at a place in the order. */
    private record Ending(int position, Cutoff cutoff) {}

    private final GroupId group;
    private final Map<RosterOpId, RosterOp> ops = new HashMap<>();
    private final Map<RosterOpId, List<RosterOp>> waiting = new HashMap<>();
    private int waitingCount;
    // Derived from ops by recompute():
    private List<RosterOp> order = List.of();
    private final Map<RosterOpId, Integer> position = new HashMap<>();
    /** The membership after each position of the order. */
    private final List<Map<IdentityKey, Member>> after = new ArrayList<>();
    private final Set<RosterOpId> voided = new HashSet<>();
    private final Map<IdentityKey, List<Ending>> endings = new HashMap<>();
    private final Set<IdentityKey> everAdded = new HashSet<>();
    private String name;

    public Roster(GroupId group) {
        this.group = group;
    }

    public GroupId group() {
        return group;
    }

    /**
     * Offers an operation from anywhere (the creator, an admin, a relay, the database). Checks the
     * signature unless {@code trusted} (read back from our own store), that it belongs here, that it
     * is the only create and that its clock is above its prev's.
     */
    public Outcome offer(RosterOp op, boolean trusted) {
        if (!op.group().equals(group)) return refused("operation of another group");
        RosterOpId id = op.id();
        if (ops.containsKey(id)) return new Outcome(Status.DUPLICATE, null, List.of());
        if (!trusted && !op.verify()) return refused("bad signature");
        if (ops.size() >= GroupLimits.MAX_ROSTER_OPS) return refused("over " + GroupLimits.MAX_ROSTER_OPS + " roster operations");
        if (op.action() == RosterAction.CREATE) {
            if (!ops.isEmpty()) return refused("a second create");
        } else {
            RosterOp prev = ops.get(op.prev());
            if (prev == null) return waitFor(op);
            if (op.lamport() <= prev.lamport()) return refused("lamport not above its prev's");
        }
        List<RosterOp> kept = new ArrayList<>();
        keep(op, kept);
        recompute();
        return new Outcome(Status.KEPT, null, kept);
    }

    private void keep(RosterOp op, List<RosterOp> kept) {
        RosterOpId id = op.id();
        ops.put(id, op);
        kept.add(op);
        List<RosterOp> children = waiting.remove(id);
        if (children == null) return;
        waitingCount -= children.size();
        for (RosterOp c : children) {
            if (!ops.containsKey(c.id()) && c.lamport() > op.lamport() && c.action() != RosterAction.CREATE) keep(c, kept);
        }
    }

    private Outcome waitFor(RosterOp op) {
        List<RosterOp> list = waiting.computeIfAbsent(op.prev(), k -> new ArrayList<>());
        if (list.stream().anyMatch(w -> w.id().equals(op.id()))) return new Outcome(Status.WAITING, null, List.of());
        if (waitingCount >= MAX_WAITING) return refused("too many operations waiting for their prev");
        list.add(op);
        waitingCount++;
        return new Outcome(Status.WAITING, null, List.of());
    }

    private static Outcome refused(String why) {
        return new Outcome(Status.REFUSED, why, List.of());
    }

    /** Applies every kept operation in the total order (small: at most 4,096 operations of 16 members). */
    private void recompute() {
        List<RosterOp> sorted = new ArrayList<>(ops.values());
        sorted.sort(ORDER);
        order = Collections.unmodifiableList(sorted);
        position.clear();
        after.clear();
        voided.clear();
        endings.clear();
        everAdded.clear();
        name = null;
        Map<IdentityKey, Member> m = new LinkedHashMap<>();
        for (int i = 0; i < sorted.size(); i++) {
            RosterOp op = sorted.get(i);
            position.put(op.id(), i);
            if (!apply(op, m, i)) voided.add(op.id());
            after.add(Collections.unmodifiableMap(new LinkedHashMap<>(m))); // join order
        }
    }

    /** Applies one operation to {@code m} if its author may do it there; false (void) otherwise. */
    private boolean apply(RosterOp op, Map<IdentityKey, Member> m, int pos) {
        Member author = m.get(op.author());
        boolean admin = author != null && author.admin();
        Member subject = op.member() == null ? null : m.get(op.member());
        switch (op.action()) {
            case CREATE -> {
                if (pos != 0) return false;
                m.put(op.author(), new Member(op.author(), true, null));
                everAdded.add(op.author());
                name = op.name();
            }
            case ADD -> {
                if (!admin || subject != null || m.size() >= GroupLimits.MAX_MEMBERS) return false;
                m.put(op.member(), new Member(op.member(), false, op.name()));
                everAdded.add(op.member());
            }
            case REMOVE -> {
                if (!admin || subject == null) return false;
                m.remove(op.member());
                endings.computeIfAbsent(op.member(), k -> new ArrayList<>()).add(new Ending(pos, op.cutoff()));
            }
            case PROMOTE -> {
                if (!admin || subject == null || subject.admin()) return false;
                m.put(op.member(), new Member(subject.key(), true, subject.name()));
            }
            case DEMOTE -> {
                if (!admin || subject == null || !subject.admin() || admins(m) <= 1) return false;
                m.put(op.member(), new Member(subject.key(), false, subject.name()));
            }
            case RENAME -> {
                if (!admin) return false;
                name = op.name();
            }
            case LEAVE -> {
                if (author == null) return false;
                m.remove(op.author());
                endings.computeIfAbsent(op.author(), k -> new ArrayList<>()).add(new Ending(pos, op.cutoff()));
            }
        }
        return true;
    }

    private static long admins(Map<IdentityKey, Member> m) {
        return m.values().stream().filter(Member::admin).count();
    }

    // ---- answers ---------------------------------------------------------------------------------

    public boolean isEmpty() {
        return ops.isEmpty();
    }

    public int size() {
        return ops.size();
    }

    public boolean has(RosterOpId id) {
        return ops.containsKey(id);
    }

    /** The operations in the total order. */
    public List<RosterOp> ordered() {
        return order;
    }

    /** The last operation of the total order: the next operation's prev. */
    public RosterOpId head() {
        return order.isEmpty() ? null : order.get(order.size() - 1).id();
    }

    public long maxLamport() {
        return order.isEmpty() ? 0 : order.get(order.size() - 1).lamport();
    }

    public boolean isVoid(RosterOpId id) {
        return voided.contains(id);
    }

    public String name() {
        return name;
    }

    /** The current members, in the order they joined. */
    public List<Member> members() {
        return order.isEmpty() ? List.of() : List.copyOf(after.get(after.size() - 1).values());
    }

    public Optional<Member> member(IdentityKey key) {
        return order.isEmpty() ? Optional.empty() : Optional.ofNullable(after.get(after.size() - 1).get(key));
    }

    public boolean isMember(IdentityKey key) {
        return member(key).isPresent();
    }

    public boolean isAdmin(IdentityKey key) {
        return member(key).map(Member::admin).orElse(false);
    }

    /** Whether {@code key} was ever added (or created the group): only such authors' messages are considered. */
    public boolean everAdded(IdentityKey key) {
        return everAdded.contains(key);
    }

    /** Whether {@code key} is a member right after operation {@code point} (a known operation). */
    public boolean memberAt(IdentityKey key, RosterOpId point) {
        Integer p = position.get(point);
        return p != null && after.get(p).containsKey(key);
    }

    /** The cutoff of the first effective removal or leave of {@code key} after {@code point}, if any. */
    public Optional<Cutoff> cutoffAfter(IdentityKey key, RosterOpId point) {
        Integer p = position.get(point);
        if (p == null) return Optional.empty();
        for (Ending e : endings.getOrDefault(key, List.of())) {
            if (e.position() > p) return Optional.of(e.cutoff());
        }
        return Optional.empty();
    }

    // ---- making operations -----------------------------------------------------------------------

    /**
     * Why {@code author} may not do {@code action} to {@code member} now, or null if it may. The
     * clear errors the API gives, including the 16-member limit.
     */
    public String whyNot(IdentityKey author, RosterAction action, IdentityKey member) {
        if (action == RosterAction.CREATE) return "a group is created once";
        Member a = member(author).orElse(null);
        if (a == null) return "you are not a member of this group";
        if (action == RosterAction.LEAVE) return null;
        if (!a.admin()) return "only an admin may " + action.wire();
        Member s = member == null ? null : member(member).orElse(null);
        return switch (action) {
            case ADD -> s != null ? "already a member"
                    : members().size() >= GroupLimits.MAX_MEMBERS
                    ? "the group is full: at most " + GroupLimits.MAX_MEMBERS + " members" : null;
            case REMOVE -> s == null ? "not a member" : member.equals(author) ? "leave instead of removing yourself" : null;
            case PROMOTE -> s == null ? "not a member" : s.admin() ? "already an admin" : null;
            case DEMOTE -> s == null ? "not a member" : !s.admin() ? "not an admin"
                    : admins(after.get(after.size() - 1)) <= 1 ? "the group's last admin cannot be demoted" : null;
            default -> null;
        };
    }

    /**
     * The next operation by {@code key}: prev = the head, lamport = one above the highest clock.
     *
     * @throws GroupRefusedException when {@link #whyNot} has a reason
     */
    public RosterOp next(IdentityKeyPair key, RosterAction action, IdentityKey member, String label, Cutoff cutoff, long timeMs) {
        String why = whyNot(key.publicKey(), action, member);
        if (why != null) throw new GroupRefusedException(why);
        return RosterOp.sign(key, group, action, head(), maxLamport() + 1, timeMs, member, label, null, cutoff);
    }
}
