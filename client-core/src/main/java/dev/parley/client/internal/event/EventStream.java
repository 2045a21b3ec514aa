package dev.parley.client.internal.event;

import dev.parley.client.ParleyEvent;
import dev.parley.client.ParleyListener;
import dev.parley.client.internal.DaemonThreads;
import dev.parley.client.internal.store.EventLog;
import dev.parley.client.internal.store.ProfileStore;
import dev.parley.client.internal.store.event.Committed;
import lombok.extern.slf4j.Slf4j;

import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one internal event stream: engines and the store publish {@link ParleyEvent}s from their own
 * threads, and each reaches {@link ParleyListener#onEvent} in one hop, in publication order, on the
 * single {@code parley-events} thread. A listener that throws is logged and the stream goes on.
 *
 * <p>Stored events are at least once: {@link #start()} first re-delivers every logged event after
 * the app's acknowledged cursor (those committed before a crash whose callback never ran or never
 * returned), then live ones follow. The cursor is the highest number up to which every stored event
 * has been delivered (events committed on different threads may be published out of number order)
 * and returned from normally (or, with manual ack, what the app acknowledged); it is written at
 * most {@link #ACK_DELAY} after an event it does not cover (and every {@link #ACK_EVERY} events),
 * so a crash re-delivers at most the events of that last half second.
 * {@link #close()} delivers {@link ParleyEvent.Closed} last; nothing is delivered after it.
 */
@Slf4j
public final class EventStream implements EventSink, AutoCloseable {
    /** Logged events read per replay page. */
    static final int REPLAY_PAGE = 500;
    /** Cursor written at least every so many delivered stored events, even while busy. */
    static final int ACK_EVERY = 256;
    /**
     * Otherwise the cursor is written this long after the first event it does not cover yet: one
     * extra durable commit per interval, not per event (writing it per event halved chat throughput:
     * every send paid a second fsync). A crash re-delivers at most this much.
     */
    static final java.time.Duration ACK_DELAY = java.time.Duration.ofMillis(500);

    private final ParleyListener listener;
    private final ProfileStore store;
    private final EventLog eventLog;
    private final boolean manualAck;
    private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final ThreadPoolExecutor thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, queue,
            DaemonThreads.named("parley-events"));
    private final Object closing = new Object();
    private boolean closed; // guarded by closing
    /** Stored events at or below this were logged before the stream listened: replay delivers them, live copies are dropped. */
    private final long replayUpTo;
    // ---- event thread only ----
    private volatile long watermark; // written on the event thread only
    /** The stored event whose callback is running, when it is the next after the watermark; else 0. */
    private volatile long inFlight;
    private final TreeSet<Long> deliveredAbove = new TreeSet<>();
    private long persisted;
    private int sincePersist;
    private boolean persistScheduled;
    private final dev.parley.client.internal.time.Scheduler scheduler;

    /** Listens to {@code store}'s commits from now on; nothing is delivered before {@link #start()}. */
    public EventStream(ParleyListener listener, ProfileStore store, boolean manualAck,
                       dev.parley.client.internal.time.Scheduler scheduler) {
        this.scheduler = scheduler;
        this.listener = listener == null ? new ParleyListener() {} : listener;
        this.store = store;
        this.eventLog = store.events();
        this.manualAck = manualAck;
        thread.prestartAllCoreThreads();
        // Listen first, then read the numbers: every commit is either replayed or heard live (or both: dropped once).
        store.database().addCommittedListener(this::onCommitted);
        this.replayUpTo = eventLog.latestSeq();
        long acked = eventLog.ackedSeq();
        this.watermark = acked;
        this.persisted = acked;
    }

    /** Re-delivers what the app has not acknowledged, then lets live events through (they wait behind it). */
    public void start() {
        enqueueLocked(this::replay);
    }

    private void replay() {
        long from = watermark;
        for (int pages = 0; from < replayUpTo; pages++) {
            List<EventLog.Entry> page = eventLog.after(from, REPLAY_PAGE);
            if (page.isEmpty()) break;
            for (EventLog.Entry e : page) {
                if (e.seq() > replayUpTo) break;
                Optional<ParleyEvent.Stored> event = StoreEvents.replay(e, store);
                if (event.isPresent()) deliver(event.get());
                else delivered(e.seq()); // its rows are gone (a contact removed since): nothing to tell
                from = e.seq();
            }
            if (page.size() < REPLAY_PAGE) break;
        }
        persistSoon();
    }

    @Override
    public void publish(ParleyEvent event) {
        if (event instanceof ParleyEvent.Closed) throw new IllegalArgumentException("only close() ends the stream");
        enqueueLocked(() -> deliver(event));
    }

    private void onCommitted(Committed c) {
        ParleyEvent.Stored e = StoreEvents.live(c);
        if (c.seq() <= replayUpTo) return; // replay delivers it
        publish(e);
    }

    /**
     * Every stored event up to this number has been handed to the app (its callback ran, or is
     * running: an app that marks a conversation read from inside onMessage includes that message).
     */
    public long deliveredUpTo() {
        return inFlight > 0 ? Math.max(watermark, inFlight) : watermark;
    }

    /** The app acknowledges every stored event up to {@code seq} (manual-ack mode); durable when this returns. */
    public void ack(long seq) {
        if (seq <= 0) throw new IllegalArgumentException("event numbers start at 1, was " + seq);
        eventLog.ack(seq);
    }

    private void enqueueLocked(Runnable task) {
        synchronized (closing) {
            if (closed) return;
            try {
                thread.execute(task);
            } catch (RejectedExecutionException ignored) {
                // shut down
            }
        }
    }

    // ------------------------------------------------------------------ event thread

    private void deliver(ParleyEvent event) {
        boolean ok;
        boolean contiguous = event instanceof ParleyEvent.Stored st && st.seq() == watermark + 1;
        if (contiguous) inFlight = ((ParleyEvent.Stored) event).seq();
        try {
            listener.onEvent(event);
            ok = true;
        } catch (RuntimeException ex) {
            log.warn("listener failed on {}", event.getClass().getSimpleName(), ex);
            ok = false;
        }
        inFlight = 0;
        if (event instanceof ParleyEvent.Stored s && s.seq() > 0) {
            // A listener that threw has still been told; at-least-once is about crashes, not app bugs.
            if (!ok) log.debug("event {} counted as delivered although the listener threw", s.seq());
            delivered(s.seq());
            persistSoon();
        }
    }

    private void delivered(long seq) {
        if (seq <= watermark) return;
        deliveredAbove.add(seq);
        while (!deliveredAbove.isEmpty() && deliveredAbove.first() == watermark + 1) {
            watermark = deliveredAbove.pollFirst();
        }
        sincePersist++;
    }

    /** Writes the cursor now when enough events passed, else arms one delayed write. */
    private void persistSoon() {
        if (manualAck || watermark == persisted) return;
        if (sincePersist >= ACK_EVERY) {
            persistNow();
        } else if (!persistScheduled) {
            persistScheduled = true;
            scheduler.schedule(ACK_DELAY, thread, () -> {
                persistScheduled = false;
                persistNow();
            });
        }
    }

    private void persistNow() {
        if (manualAck || watermark == persisted) return;
        try {
            eventLog.ack(watermark);
            persisted = watermark;
            sincePersist = 0;
        } catch (RuntimeException e) {
            log.warn("could not record the app's event cursor; events after {} may be delivered again", persisted, e);
        }
    }

    /** Delivers {@link ParleyEvent.Closed} after everything already published, then stops the thread. Idempotent. */
    @Override
    public void close() {
        synchronized (closing) {
            if (closed) return;
            closed = true;
            thread.execute(() -> {
                persistNow();
                try {
                    listener.onEvent(new ParleyEvent.Closed());
                } catch (RuntimeException ex) {
                    log.warn("listener failed in onClosed", ex);
                }
            });
        }
        thread.shutdown();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) log.warn("the app's listener did not return within 5 s of close");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
