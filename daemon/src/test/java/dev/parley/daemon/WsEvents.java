package dev.parley.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.EventRecorder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The events stream through the JDK's WebSocket client: every text frame as JSON into a strict recorder;
 * the close (code and reason) recorded as {@code {"type":"ws-closed","code":N,"reason":"…"}}.
 */
final class WsEvents implements WebSocket.Listener {
    final EventRecorder<JsonNode> rec;
    private final StringBuilder partial = new StringBuilder();
    private final boolean autoRequest;
    WebSocket ws;

    WsEvents(String name, boolean autoRequest) {
        this.rec = new EventRecorder<JsonNode>(name).timeout(Duration.ofSeconds(30));
        this.autoRequest = autoRequest;
    }

    /** Opens {@code /v1/events?query} with the token in the Authorization header. */
    static WsEvents open(URI base, String token, String query, String... noiseTypes) throws Exception {
        WsEvents l = new WsEvents("events " + query, true);
        if (noiseTypes.length > 0) l.ignoring(noiseTypes); // before any frame can arrive
        l.ws = HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer " + token)
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(wsUri(base, query), l).get();
        return l;
    }

    static URI wsUri(URI base, String query) {
        return URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/v1/events" + (query.isEmpty() ? "" : "?" + query));
    }

    WsEvents ignoring(String... types) {
        java.util.Set<String> t = java.util.Set.of(types);
        rec.ignoring("types " + t, n -> t.contains(n.path("type").asText()));
        return this;
    }

    static dev.parley.testing.EventRecorder.Expectation<JsonNode> event(String description, java.util.function.Predicate<JsonNode> test) {
        return EventRecorder.event(description, test);
    }

    /** The next event must have this type; returned. */
    JsonNode expect(String type) {
        return rec.expectNext("type " + type, n -> type.equals(n.path("type").asText()));
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            rec.record(ApiJson.parse(partial.toString()));
            partial.setLength(0);
        }
        if (autoRequest) webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        rec.record(ApiJson.object().put("type", "ws-closed").put("code", statusCode).put("reason", reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        rec.record(ApiJson.object().put("type", "ws-error").put("reason", String.valueOf(error)));
    }

    void close() {
        if (ws != null && !ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(t -> null);
        }
    }

    static CompletableFuture<WebSocket> connect(URI base, String query, WebSocket.Builder b, WebSocket.Listener l) {
        return b.buildAsync(wsUri(base, query), l);
    }
}
