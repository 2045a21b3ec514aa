package dev.parley.client;

import org.java_websocket.WebSocket;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshake;
import org.java_websocket.server.WebSocketServer;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A malicious signaling server for tests: a WebSocket proxy in front of the real one that can rewrite
 * or inject anything it relays to clients. Logins sign the host the client dialed (the proxy), so the
 * test names the proxy as one of the server's public hosts, as an operator would for a (compromised)
 * reverse proxy; forwarding the Host header no longer matters, the server ignores it.
 */
final class MitmProxy extends WebSocketServer {
    private final URI upstream;
    private volatile UnaryOperator<String> toClient = UnaryOperator.identity();
    private final Map<WebSocket, Upstream> links = new ConcurrentHashMap<>();
    private final CountDownLatch started = new CountDownLatch(1);

    MitmProxy(URI upstream) {
        super(new InetSocketAddress("127.0.0.1", 0));
        this.upstream = upstream;
        setReuseAddr(true);
    }

    MitmProxy startProxy() throws InterruptedException {
        start();
        if (!started.await(10, TimeUnit.SECONDS)) throw new IllegalStateException("proxy did not start");
        return this;
    }

    URI uri() {
        return URI.create("ws://127.0.0.1:" + getPort());
    }

    /** Rewrites each server→client text frame; return null to drop it. */
    void rewriteToClients(UnaryOperator<String> f) {
        toClient = f;
    }

    /** Sends {@code text} to every client as if the server had. */
    void injectToClients(String text) {
        for (WebSocket c : links.keySet()) c.send(text);
    }

    @Override
    public void onStart() {
        started.countDown();
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
        Upstream up = new Upstream(conn, Map.of("Host", handshake.getFieldValue("Host")));
        links.put(conn, up);
        try {
            if (!up.connectBlocking(10, TimeUnit.SECONDS)) conn.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            conn.close();
        }
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
        Upstream up = links.get(conn);
        if (up != null && up.isOpen()) up.send(message);
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        Upstream up = links.remove(conn);
        if (up != null) up.close();
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
        // test double: the client side notices
    }

    void shutdown() throws InterruptedException {
        for (Upstream u : List.copyOf(links.values())) u.close();
        stop(2000);
    }

    private final class Upstream extends WebSocketClient {
        private final WebSocket down;

        Upstream(WebSocket down, Map<String, String> headers) {
            super(upstream, headers);
            this.down = down;
        }

        @Override
        public void onOpen(ServerHandshake h) {}

        @Override
        public void onMessage(String message) {
            String out = toClient.apply(message);
            if (out != null && down.isOpen()) down.send(out);
        }

        @Override
        public void onClose(int code, String reason, boolean remote) {
            if (down.isOpen()) down.close(code, reason);
        }

        @Override
        public void onError(Exception ex) {}
    }
}
