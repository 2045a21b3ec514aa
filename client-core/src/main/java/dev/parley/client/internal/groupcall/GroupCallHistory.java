package dev.parley.client.internal.groupcall;

import dev.parley.client.CallId;
import dev.parley.client.GroupCallRecord;
import dev.parley.client.GroupId;
import dev.parley.client.ParleyEvent;
import dev.parley.client.PeerId;
import dev.parley.client.internal.event.EventSink;
import dev.parley.client.internal.store.GroupCallStore;
import lombok.extern.slf4j.Slf4j;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The group-call history (docs/library.md § Group calls): sits between the {@link GroupCallEngine} and
 * the app's event stream, passes every event on and, from the same events, keeps for each call this
 * member's time in it and whom it met there; when the call ends it writes one {@link GroupCallRecord}
 * (joined or missed) into the group's history, whose stored event follows the {@code GroupCallEnded}.
 *
 * <p>A call superseded by a merge (two members started at once) is not recorded on its own: what this
 * member had of it goes on with the surviving call. Threads: {@link #publish} runs on the engine's
 * worker (the write is one short SQLite transaction there); {@link #close} after the engine closed.
 */
@Slf4j
public final class GroupCallHistory implements EventSink {
    private final PeerId me;
    private final GroupCallStore store;
    private final EventSink next;
    private final Clock clock;
    /** Guarded by this. */
    private final Map<CallId, Tally> calls = new HashMap<>();
    /** Superseded calls' tallies, waiting for the group's surviving call. Guarded by this. */
    private final Map<GroupId, Tally> carried = new HashMap<>();

    private static final class Tally {
        final GroupId group;
        CallId call;
        Instant startedAt;
        final Set<PeerId> in = new LinkedHashSet<>();
        final Set<PeerId> met = new LinkedHashSet<>();
        boolean joined;
        Instant joinedAt;
        Duration inCall = Duration.ZERO;
        boolean superseded;

        Tally(GroupId group, CallId call, Instant startedAt) {
            this.group = group;
            this.call = call;
            this.startedAt = startedAt;
        }

        void stopClock(Instant now) {
            if (joinedAt != null) inCall = inCall.plus(Duration.between(joinedAt, now));
            joinedAt = null;
        }

        GroupCallRecord record(Instant endedAt) {
            return new GroupCallRecord(group, call, startedAt, endedAt, joined, inCall, List.copyOf(met));
        }
    }

    public GroupCallHistory(PeerId me, GroupCallStore store, EventSink next, Clock clock) {
        this.me = me;
        this.store = store;
        this.next = next;
        this.clock = clock;
    }

    @Override
    public void publish(ParleyEvent e) {
        next.publish(e);
        GroupCallRecord done = null;
        synchronized (this) {
            Instant now = now();
            if (e instanceof ParleyEvent.GroupCallStarted s) {
                Tally t = new Tally(s.group(), s.call(), now);
                Tally old = carried.remove(s.group());
                if (old != null) {
                    t.startedAt = old.startedAt;
                    t.joined = old.joined;
                    t.inCall = old.inCall;
                    t.met.addAll(old.met);
                }
                calls.put(s.call(), t);
            } else if (e instanceof ParleyEvent.GroupCallParticipantJoined j) {
                Tally t = calls.get(j.call());
                if (t == null) return;
                if (j.participant().equals(me)) {
                    t.joined = true;
                    t.joinedAt = now;
                    t.met.addAll(t.in);
                } else {
                    t.in.add(j.participant());
                    if (t.joinedAt != null) t.met.add(j.participant());
                }
            } else if (e instanceof ParleyEvent.GroupCallParticipantLeft l) {
                Tally t = calls.get(l.call());
                if (t == null) return;
                if (GroupCallEngine.SUPERSEDED.equals(l.reason())) t.superseded = true;
                if (l.participant().equals(me)) t.stopClock(now);
                else t.in.remove(l.participant());
            } else if (e instanceof ParleyEvent.GroupCallEnded x) {
                Tally t = calls.remove(x.call());
                if (t == null) return;
                t.stopClock(now);
                if (t.superseded) carried.put(t.group, t);
                else done = t.record(now);
            }
        }
        if (done != null) write(done);
    }

    /** The client closes: every call this member was in is recorded as far as it went (its end, for us, is now). */
    public void close() {
        List<GroupCallRecord> out = new ArrayList<>();
        synchronized (this) {
            Instant now = now();
            for (Tally t : calls.values()) {
                if (!t.joined) continue;
                t.stopClock(now);
                out.add(t.record(now));
            }
            calls.clear();
            carried.clear();
        }
        out.forEach(this::write);
    }

    /** Milliseconds, as the store keeps them: the live event equals the stored (and replayed) entry. */
    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    private void write(GroupCallRecord r) {
        try {
            store.record(r);
        } catch (RuntimeException ex) {
            log.warn("cannot record group call {} in the history", r.call(), ex);
        }
    }
}
