package dev.parley.daemon;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * The events of one daemon run, numbered and kept in a bounded buffer so an API client that reconnects
 * gets what it missed (docs/api.md § Events).
 *
 * <p>{@code seq} starts at 1 and increases by one per event for the whole run; {@link #epoch()} is a random
 * id of the run. {@link #subscribe} hands a subscriber, atomically with registering it: every buffered event
 * after {@code since} when {@code since} is still covered and the epoch is this run's; otherwise one
 * {@code resync} event. Live events follow in order, none twice. Subscribers are called under this log's
 * lock and must not block (they queue the frame and return).
 */
public final class EventLog {
    public static final int DEFAULT_CAPACITY = 10_000;

    /** One numbered event and its JSON text. */
    public record Entry(long seq, String json) { }

    /** Receives events; called under the log's lock, on whichever thread appended: queue and return. */
    public interface Subscriber {
        /** The catch-up (or the one resync event), before any live event. */
        void replay(List<Entry> entries);

        void live(Entry e);
    }

    private final int capacity;
    private final String epoch;
    private final ArrayDeque<Entry> buffer = new ArrayDeque<>();
    private final Set<Subscriber> subscribers = new CopyOnWriteArraySet<>();
    private long lastSeq;

    public EventLog(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1");
        this.capacity = capacity;
        byte[] b = new byte[9];
        new SecureRandom().nextBytes(b);
        this.epoch = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public String epoch() {
        return epoch;
    }

    public synchronized long lastSeq() {
        return lastSeq;
    }

    /** Numbers {@code event} (a {@code seq} field first, then its own fields), buffers it and hands it to every subscriber. */
    public synchronized Entry append(ObjectNode event) {
        ObjectNode numbered = ApiJson.object();
        numbered.put("seq", ++lastSeq);
        numbered.setAll(event);
        Entry e = new Entry(lastSeq, ApiJson.write(numbered));
        buffer.addLast(e);
        if (buffer.size() > capacity) buffer.removeFirst();
        for (Subscriber s : subscribers) s.live(e);
        return e;
    }

    /**
     * Registers {@code s}. With {@code since == null}, live events only. Otherwise the events after
     * {@code since} if this run still holds them all and {@code epoch} is this run's (or absent with
     * {@code since == 0}); else one {@code resync} event numbered {@link #lastSeq()}.
     */
    public synchronized void subscribe(Long since, String clientEpoch, Subscriber s) {
        if (since != null) {
            long first = buffer.isEmpty() ? lastSeq + 1 : buffer.peekFirst().seq();
            String why = null;
            if (clientEpoch != null && !clientEpoch.equals(epoch)) why = "restarted";
            else if (clientEpoch == null && since != 0) why = "restarted";
            else if (since > lastSeq) why = "restarted"; // a cursor from another run
            else if (since < first - 1) why = "too_old";
            if (why != null) {
                ObjectNode r = ApiJson.object().put("seq", lastSeq).put("type", "resync").put("epoch", epoch).put("reason", why);
                s.replay(List.of(new Entry(lastSeq, ApiJson.write(r))));
            } else {
                List<Entry> missed = new ArrayList<>();
                for (Entry e : buffer) if (e.seq() > since) missed.add(e);
                s.replay(missed);
            }
        } else {
            s.replay(List.of());
        }
        subscribers.add(s);
    }

    public void unsubscribe(Subscriber s) {
        subscribers.remove(s);
    }

    public int subscriberCount() {
        return subscribers.size();
    }
}
