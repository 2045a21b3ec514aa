package dev.parley.daemon.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.client.ParleyEvent;
import dev.parley.client.ParleyListener;
import dev.parley.client.PeerId;
import dev.parley.client.ServerStatus;
import dev.parley.daemon.ApiJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.WebSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The daemon's event stream ({@code /v1/events} over WebSocket) turned back into {@link ParleyEvent}s
 * for one listener, on one thread ({@code parley-remote-events}), in the daemon's order. When the
 * stream ends (the daemon stopped, or this handle closed) the listener hears {@link ParleyEvent.Closed}
 * once, last.
 */
final class RemoteEvents implements WebSocket.Listener {
    private static final Logger log = LoggerFactory.getLogger(RemoteEvents.class);
    private final ParleyListener listener;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "parley-remote-events");
        t.setDaemon(true);
        return t;
    });
    private final StringBuilder partial = new StringBuilder();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final CompletableFuture<Void> closedDelivered = new CompletableFuture<>();
    /** What the listener last heard of the server and of each contact's presence (event thread only). */
    private ServerStatus lastServer;
    private final Map<PeerId, Boolean> lastPresence = new HashMap<>();
    private volatile WebSocket socket;
    private volatile long lastSeq;

    private final java.util.List<java.util.function.Consumer<dev.parley.client.GroupFileEvent>> groupFiles =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    RemoteEvents(ParleyListener listener) {
        this.listener = listener;
    }

    /** Group-file events ({@code group-file}) go to these, on the event thread, in stream order. */
    void addGroupFileListener(java.util.function.Consumer<dev.parley.client.GroupFileEvent> l) {
        groupFiles.add(l);
    }

    /** Connects, receiving events after {@code since} (the daemon's sequence numbers); waits until open. */
    void connect(ApiHttp http, long since, String epoch) {
        URI base = http.base();
        String scheme = "https".equals(base.getScheme()) ? "wss" : "ws";
        URI uri = URI.create(scheme + "://" + base.getRawAuthority() + "/v1/events?since=" + since
                + (epoch == null ? "" : "&epoch=" + ApiHttp.seg(epoch)));
        lastSeq = since;
        try {
            socket = http.client().newWebSocketBuilder().header("Authorization", "Bearer " + http.token())
                    .connectTimeout(ApiHttp.TIMEOUT).buildAsync(uri, this).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot subscribe to the daemon's events at " + uri + ": " + e.getMessage(), e);
        }
    }

    /** Hands an event to the listener after everything before it. */
    void deliver(ParleyEvent e) {
        if (ended.get()) return;
        try {
            thread.execute(() -> dispatch(e));
        } catch (java.util.concurrent.RejectedExecutionException closedMeanwhile) {
            // ended between the check and here: nothing is delivered after Closed
        }
    }

    long lastSeq() {
        return lastSeq;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            try {
                JsonNode n = ApiJson.parse(text);
                lastSeq = Math.max(lastSeq, n.path("seq").asLong(lastSeq));
                if ("group-file".equals(n.path("type").asText())) {
                    dev.parley.client.GroupFileEvent g = dev.parley.daemon.GroupFileJson.event(n);
                    if (!ended.get()) thread.execute(() -> groupFiles.forEach(l -> l.accept(g)));
                } else ApiJson.parleyEvent(n).ifPresentOrElse(this::deliver, () -> {
                    String type = n.path("type").asText("");
                    if (type.equals("closed")) end("the daemon closed its profile");
                    else if (!type.equals("resync")) log.debug("ignoring daemon event of type {}", type);
                });
            } catch (RuntimeException e) {
                log.warn("unreadable event from the daemon ({}): {}", e.getMessage(), text.length() > 200 ? text.substring(0, 200) : text);
            }
        }
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        end("the daemon ended the event stream (" + statusCode + " " + reason + ")");
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        end("the event stream from the daemon failed: " + error);
    }

    /** Ends the stream: the listener hears {@link ParleyEvent.Closed} once, after every earlier event. */
    void end(String why) {
        if (!ended.compareAndSet(false, true)) return;
        log.info("remote events ended: {}", why);
        WebSocket ws = socket;
        if (ws != null && !ws.isOutputClosed()) ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        thread.execute(() -> {
            try {
                dispatch(new ParleyEvent.Closed());
            } finally {
                closedDelivered.complete(null);
            }
        });
        thread.shutdown();
    }

    /** Ends and waits (bounded) until the listener has heard {@link ParleyEvent.Closed}, unless called from it. */
    void endAndAwait() {
        end("closed by the app");
        if (Thread.currentThread().getName().equals("parley-remote-events")) return;
        try {
            closedDelivered.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("the listener did not finish within 10 s of close");
        }
    }

    private void dispatch(ParleyEvent e) {
        // The state told on start and the stream overlap: an event that repeats what the listener
        // already knows (the same server state, the same presence) is not news, and is not repeated.
        if (e instanceof ParleyEvent.ServerStateChanged s) {
            if (s.status().equals(lastServer)) return;
            lastServer = s.status();
        } else if (e instanceof ParleyEvent.Presence p) {
            if (Boolean.valueOf(p.online()).equals(lastPresence.put(p.peer(), p.online()))) return;
        }
        try {
            listener.onEvent(e);
        } catch (RuntimeException ex) {
            log.warn("listener failed on {}: {}", e.getClass().getSimpleName(), ex.toString());
        }
    }
}
