package dev.parley.client.internal.event;

import dev.parley.client.ParleyListener;
import dev.parley.client.internal.DaemonThreads;
import dev.parley.client.internal.store.event.StoreEvent;
import lombok.extern.slf4j.Slf4j;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The one internal event stream: engines and the store publish {@link ClientEvent}s from their own
 * threads, and each reaches the {@link ParleyListener} in one hop, in publication order, on the single
 * {@code parley-events} thread. A listener that throws is logged and the stream goes on.
 * {@link #close()} delivers {@link ClientEvent.Closed} last; nothing is delivered after it.
 */
@Slf4j
public final class EventStream implements EventSink, AutoCloseable {
    private final ParleyListener listener;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(DaemonThreads.named("parley-events"));
    private final Object closing = new Object();
    private boolean closed; // guarded by closing

    public EventStream(ParleyListener listener) {
        this.listener = listener == null ? new ParleyListener() {} : listener;
    }

    @Override
    public void publish(ClientEvent event) {
        if (event instanceof ClientEvent.Closed) throw new IllegalArgumentException("only close() ends the stream");
        synchronized (closing) {
            if (closed) return;
            enqueue(event);
        }
    }

    /** Store events (after their transaction committed) as app events. */
    public void onStoreEvent(StoreEvent e) {
        publish(StoreEvents.toClientEvent(e));
    }

    private void enqueue(ClientEvent event) {
        try {
            thread.execute(() -> {
                try {
                    event.deliverTo(listener);
                } catch (RuntimeException ex) {
                    log.warn("listener failed on {}", event.getClass().getSimpleName(), ex);
                }
            });
        } catch (RejectedExecutionException ignored) {
            // shut down
        }
    }

    /** Delivers {@link ClientEvent.Closed} after everything already published, then stops the thread. Idempotent. */
    @Override
    public void close() {
        synchronized (closing) {
            if (closed) return;
            closed = true;
            enqueue(new ClientEvent.Closed());
        }
        thread.shutdown();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) log.warn("the app's listener did not return within 5 s of close");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
