package dev.parley.server;

import java.net.InetAddress;

/**
 * One client socket and the little the server keeps about it, whatever transport carries it. Kept
 * deliberately small: the target is tens of thousands of idle connections at a few kilobytes each, so
 * no per-connection threads, timers or collections. Fields written only by the connection's reading
 * thread are plain; fields the scheduler or other connections' threads read are volatile.
 *
 * <p>The transport ({@link NettyTransport}) supplies the socket operations.
 */
abstract class Connection {
    // Set at accept (or, behind a trusted proxy, once the real client is known), before the first message.
    /** The client's address: the TCP peer, or the one a trusted proxy named. */
    volatile InetAddress ip;
    /** The TCP peer is a trusted proxy; {@link #ip} is settled at the WebSocket handshake. */
    boolean viaProxy;
    /** {@link #ip} holds a slot in the per-address table (released when the socket goes). */
    boolean ipCounted;
    long authDeadlineMs;
    boolean secure;
    volatile boolean overloaded;

    // Reading thread only.
    byte[] nonce;
    /** Every frame's cost (set at accept; the limits change at login). */
    FrameBudget frames;
    private double tokens = -1;
    private long refillMs;

    volatile long lastFrameMs;
    /** When the server started closing this connection (0: not closing); the sweep enforces a limit. */
    volatile long closingSinceMs;
    /** The session bound to this connection after login; null before, or after it was replaced. */
    volatile Session session;
    /** Another connection logged in with the same key; this one only awaits its close. */
    volatile boolean replaced;
    /** Since when relays to this connection found its outbound queue full (0: it drains). */
    volatile long stalledSinceMs;
    /** The close code the server sent; the socket stays open until the client answers or the sweep gives up. */
    volatile int closeSent;
    /**
     * Clustered: this connection waits for the directory (its login's claim, or a watch); its later
     * messages are held in {@link #held} until the answer is in ({@link DirectoryWait}). Volatile: the sweep
     * reads it (a login waiting for its claim is not timed out for auth; the directory's timeout bounds it).
     */
    volatile boolean waiting;
    /** Reading thread only: messages received while {@link #waiting}, oldest first (null: none yet). */
    java.util.ArrayDeque<DirectoryWait.Held> held;
    /** Reading thread only: the characters in {@link #held}. */
    long heldChars;

    /** Token bucket, reading thread only: true if one more message fits in the rate. */
    final boolean takeToken(long now, int perSecond, int burst) {
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

    final boolean closing() {
        return closingSinceMs != 0;
    }

    /**
     * Runs {@code task} on the thread that reads this connection, after whatever it is doing now (dropped
     * if that thread is shutting down). Any thread.
     */
    abstract void execute(Runnable task);

    /** Queues text if the WebSocket is open; false (never an exception) otherwise. Any thread. */
    abstract boolean deliver(String text);

    /** True once the WebSocket handshake is done and until the close handshake starts. */
    abstract boolean isOpen();

    /** True while the socket has not completed the WebSocket handshake. */
    abstract boolean handshaking();

    /** Whether the outbound queue is over either bound (the reader is too slow). */
    abstract boolean backlogOver(int maxMessages, long maxBytes, int maxMessageBytes);

    /**
     * Starts the closing handshake without dropping the socket: a client still sending would otherwise
     * get a TCP reset, which discards the error and close frame it has not read yet. Sets {@link #closeSent}.
     */
    abstract void sendClose(int code, String reason);

    /** Cuts the socket now, without a close handshake. */
    abstract void cut(int code, String reason);
}
