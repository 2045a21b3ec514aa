package dev.parley.server;

import org.java_websocket.WebSocketListener;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * One client socket and the little the server keeps about it. Kept deliberately small: the target is
 * tens of thousands of idle connections at a few kilobytes each, so no per-connection threads, timers
 * or collections. Fields written only by the connection's decoder thread are plain; fields the
 * scheduler or other connections' threads read are volatile.
 */
final class Connection extends WebSocketImpl {
    private final RelayServer server;

    // Set once at accept (selector thread), before the first decode; read-only afterwards.
    InetAddress ip;
    long authDeadlineMs;
    boolean secure;
    volatile boolean overloaded;

    // Decoder thread only.
    byte[] nonce;
    String host;
    private double tokens = -1;
    private long refillMs;

    volatile long lastFrameMs;
    /** When the server started closing this connection (0: not closing); the sweep enforces a limit. */
    volatile long closingSinceMs;
    /** The session bound to this connection after login; null before, or after it was replaced. */
    volatile Session session;
    /** Another connection logged in with the same key; this one only awaits its close. */
    volatile boolean replaced;
    /** The close code the server sent; the socket stays open until the client answers or the sweep gives up. */
    volatile int closeSent;
    private boolean released;

    Connection(WebSocketListener listener, List<Draft> drafts, RelayServer server) {
        super(listener, drafts);
        this.server = server;
    }

    /** Token bucket, decoder thread only: true if one more message fits in the rate. */
    boolean takeToken(long now, int perSecond, int burst) {
        if (tokens < 0) {
            tokens = burst;
            refillMs = now;
        } else if (now > refillMs) {
            tokens = Math.min(burst, tokens + (now - refillMs) * (perSecond / 1000.0));
            refillMs = now;
        }
        if (tokens < 1) return false;
        tokens -= 1;
        return true;
    }

    /** Queues text if the socket is still open; false (never an exception) otherwise. */
    boolean deliver(String text) {
        if (!isOpen()) return false;
        try {
            send(text);
            return true;
        } catch (WebsocketNotConnectedException e) {
            return false;
        }
    }

    /** Bytes and buffers waiting to be written; counts bytes only once the count alone is worrying. */
    boolean backlogOver(int maxMessages, long maxBytes, int maxMessageBytes) {
        int n = outQueue.size();
        if (n >= maxMessages) return true;
        if ((long) n * maxMessageBytes <= maxBytes) return false;
        long bytes = 0;
        for (ByteBuffer b : outQueue) {
            bytes += b.remaining();
            if (bytes > maxBytes) return true;
        }
        return false;
    }

    /**
     * Starts the closing handshake without dropping the socket. Java-WebSocket's own close() shuts the
     * socket as soon as the close frame is written; a client still sending (a flooder, or just a busy one)
     * then gets a TCP reset, which discards the error and close frame it has not read yet. Waiting for the
     * client's close frame (RFC 6455 §5.5.1) lets it read both; the sweep cuts clients that never answer.
     */
    void sendClose(int code, String reason) {
        CloseFrame f = new CloseFrame();
        f.setCode(code);
        f.setReason(reason);
        closeSent = code;
        try {
            sendFrame(f);
        } catch (WebsocketNotConnectedException e) {
            // already gone
        }
    }

    /** The client answered our close frame: finish without sending a second one. */
    @Override
    public synchronized void close(int code, String message, boolean remote) {
        if (remote && closeSent != 0) {
            flushAndClose(closeSent, message, true);
            return;
        }
        super.close(code, message, remote);
    }

    boolean closing() {
        return closingSinceMs != 0;
    }

    /** Every socket ends here, whether or not it got past the handshake; release its accounting once. */
    @Override
    public synchronized void closeConnection(int code, String message, boolean remote) {
        super.closeConnection(code, message, remote);
        if (!released) {
            released = true;
            server.released(this);
        }
    }
}
