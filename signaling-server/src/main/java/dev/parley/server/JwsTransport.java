package dev.parley.server;

import lombok.extern.slf4j.Slf4j;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketAdapter;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketListener;
import org.java_websocket.WebSocketServerFactory;
import org.java_websocket.drafts.Draft;
import org.java_websocket.enums.ReadyState;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.DefaultSSLWebSocketServerFactory;
import org.java_websocket.server.DefaultWebSocketServerFactory;
import org.java_websocket.server.WebSocketServer;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ExecutionException;

/**
 * The Java-WebSocket transport ({@code --transport java-websocket}). Threads (Java-WebSocket's model):
 * one selector thread accepts, reads and writes sockets; each connection is pinned to one of N decoder
 * threads, which parse its frames and call {@link Relay} in order. Sending to another peer appends to
 * that peer's outQueue and wakes the selector, which writes it.
 */
@Slf4j
final class JwsTransport extends WebSocketServer implements Transport {
    private final Relay relay;
    private final boolean secure;
    private final CompletableFuture<Void> started = new CompletableFuture<>();

    JwsTransport(ServerConfig cfg, Clock clock, Metrics metrics, SSLContext ssl, Relay relay) {
        super(new InetSocketAddress(cfg.bindAddress(), cfg.port()),
                cfg.workerThreads() > 0 ? cfg.workerThreads() : Runtime.getRuntime().availableProcessors(),
                List.of(new CappedDraft(cfg.maxMessageBytes(), metrics, clock)));
        this.relay = relay;
        this.secure = ssl != null;
        WebSocketServerFactory base;
        if (ssl == null) {
            base = new DefaultWebSocketServerFactory();
        } else {
            ExecutorService tlsTasks = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "parley-tls-tasks");
                t.setDaemon(true);
                return t;
            });
            base = new DefaultSSLWebSocketServerFactory(ssl, tlsTasks);
        }
        setWebSocketFactory(new Factory(base));
        setConnectionLostTimeout((int) Math.max(1, cfg.heartbeat().toSeconds()));
        setReuseAddr(true);
        setTcpNoDelay(true);
        setDaemon(true);
    }

    @Override
    public int bind() throws IOException {
        start();
        try {
            started.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("WebSocket listener did not start", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting", e);
        }
        return getPort();
    }

    @Override
    public void shutdown() {
        try {
            stop(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Conn conn(WebSocket ws) {
        return ((Socket) ws).conn;
    }

    @Override
    public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket ws, Draft draft,
                                                                       ClientHandshake request) throws InvalidDataException {
        if (!relay.originAllowed(conn(ws), request.hasFieldValue("Origin") ? request.getFieldValue("Origin") : null)) {
            throw new InvalidDataException(CloseFrame.POLICY_VALIDATION, "origin not allowed");
        }
        return super.onWebsocketHandshakeReceivedAsServer(ws, draft, request);
    }

    @Override
    public void onOpen(WebSocket ws, ClientHandshake handshake) {
        relay.opened(conn(ws), handshake.hasFieldValue("Host") ? handshake.getFieldValue("Host") : null);
    }

    @Override
    public void onMessage(WebSocket ws, String text) {
        relay.text(conn(ws), text);
    }

    @Override
    public void onMessage(WebSocket ws, ByteBuffer message) {
        relay.binary(conn(ws));
    }

    @Override
    public void onWebsocketPing(WebSocket ws, Framedata f) {
        if (relay.ping(conn(ws))) super.onWebsocketPing(ws, f);
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason, boolean remote) {
        relay.closed(conn(ws), code);
    }

    @Override
    public void onError(WebSocket ws, Exception ex) {
        if (ws == null) {
            if (!started.isDone()) {
                started.completeExceptionally(ex);
            } else {
                log.atError().setCause(ex).log("WebSocket listener failed");
            }
            return;
        }
        log.atDebug().addKeyValue("error", ex.toString()).log("connection error");
    }

    @Override
    public void onStart() {
        started.complete(null);
    }

    /** Java-WebSocket's socket; carries the transport-independent {@link Conn}. */
    static final class Socket extends WebSocketImpl {
        final Conn conn;
        private final Relay relay;
        private boolean released;

        Socket(WebSocketListener listener, List<Draft> drafts, Relay relay) {
            super(listener, drafts);
            this.relay = relay;
            this.conn = new Conn(this);
        }

        /** The client answered our close frame: finish without sending a second one. */
        @Override
        public synchronized void close(int code, String message, boolean remote) {
            if (remote && conn.closeSent != 0) {
                flushAndClose(conn.closeSent, message, true);
                return;
            }
            super.close(code, message, remote);
        }

        /** Every socket ends here, whether or not it got past the handshake; release its accounting once. */
        @Override
        public synchronized void closeConnection(int code, String message, boolean remote) {
            super.closeConnection(code, message, remote);
            if (!released) {
                released = true;
                relay.released(conn);
            }
        }
    }

    /** {@link Connection} over a Java-WebSocket socket. */
    static final class Conn extends Connection {
        final Socket ws;

        Conn(Socket ws) {
            this.ws = ws;
        }

        @Override
        boolean deliver(String text) {
            if (!ws.isOpen()) return false;
            try {
                ws.send(text);
                return true;
            } catch (WebsocketNotConnectedException e) {
                return false;
            }
        }

        @Override
        boolean isOpen() {
            return ws.isOpen();
        }

        @Override
        boolean handshaking() {
            return ws.getReadyState() == ReadyState.NOT_YET_CONNECTED;
        }

        /** Bytes and buffers waiting to be written; counts bytes only once the count alone is worrying. */
        @Override
        boolean backlogOver(int maxMessages, long maxBytes, int maxMessageBytes) {
            int n = ws.outQueue.size();
            if (n >= maxMessages) return true;
            if ((long) n * maxMessageBytes <= maxBytes) return false;
            long bytes = 0;
            for (ByteBuffer b : ws.outQueue) {
                bytes += b.remaining();
                if (bytes > maxBytes) return true;
            }
            return false;
        }

        /**
         * Java-WebSocket's own close() shuts the socket as soon as the close frame is written; here the
         * client's close frame is awaited (RFC 6455 §5.5.1) and the sweep cuts clients that never answer.
         */
        @Override
        void sendClose(int code, String reason) {
            CloseFrame f = new CloseFrame();
            f.setCode(code);
            f.setReason(reason);
            closeSent = code;
            try {
                ws.sendFrame(f);
            } catch (WebsocketNotConnectedException e) {
                // already gone
            }
        }

        @Override
        void cut(int code, String reason) {
            ws.closeConnection(code, reason);
        }
    }

    /** Wraps Java-WebSocket's factory so every socket carries a {@link Conn} and is counted at accept. */
    private final class Factory implements WebSocketServerFactory {
        private final WebSocketServerFactory delegate;

        Factory(WebSocketServerFactory delegate) {
            this.delegate = delegate;
        }

        @Override
        public WebSocketImpl createWebSocket(WebSocketAdapter a, Draft d) {
            return new Socket(a, List.of(d), relay);
        }

        @Override
        public WebSocketImpl createWebSocket(WebSocketAdapter a, List<Draft> drafts) {
            return new Socket(a, drafts, relay);
        }

        @Override
        public ByteChannel wrapChannel(SocketChannel channel, SelectionKey key) throws IOException {
            Socket s = (Socket) key.attachment();
            if (!relay.accepted(s.conn, ((InetSocketAddress) channel.getRemoteAddress()).getAddress(), secure)) {
                throw new IOException("over a connection cap");
            }
            try {
                return delegate.wrapChannel(channel, key);
            } catch (IOException | RuntimeException e) {
                s.closeConnection(CloseFrame.NEVER_CONNECTED, "tls setup failed");
                throw e;
            }
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
