package dev.parley.bench;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.IdentityKeyPair;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

/**
 * One generator connection. Reads happen only on the I/O thread; writes may come from the I/O thread
 * (handshake, auth, pongs), the pacer (relay traffic) and the keep-alive sweep, so {@link #send} is
 * synchronized and keeps whatever the socket did not take until the I/O thread sees it writable.
 */
final class Conn {
    enum State { NEW, CONNECTING, UPGRADING, AUTHENTICATING, READY, CLOSED }

    final int index;
    final IdentityKeyPair key;
    final PeerId peerId;
    volatile State state = State.NEW;
    SocketChannel ch;
    SelectionKey selKey;
    String wsKey;
    final WsFrames.Reader reader;

    /** Inbound bytes not yet a whole frame (or, while upgrading, not yet a whole HTTP head). Null when none. */
    byte[] leftover;

    /** The partner this connection sends relay traffic to; set after both are READY. */
    Conn partner;
    LoadClient.Templates templates;

    // guarded by this
    private byte[] pending;
    private int pendingLen;
    volatile long lastSendNanos;
    long connectStartNanos;

    // diagnostics (I/O thread)
    int closeCode;
    String closeReason;

    Conn(int index, IdentityKeyPair key, int maxMessage) {
        this.index = index;
        this.key = key;
        this.peerId = key.publicKey().peerId();
        this.reader = new WsFrames.Reader(maxMessage);
    }

    /**
     * Writes {@code b[off, off+len)} now if the socket takes it, else queues the rest. Returns true
     * when the I/O thread must be asked to watch for writability (something is left queued).
     */
    synchronized boolean send(byte[] b, int off, int len) throws IOException {
        lastSendNanos = System.nanoTime();
        if (pendingLen == 0) {
            ByteBuffer bb = ByteBuffer.wrap(b, off, len);
            ch.write(bb);
            if (!bb.hasRemaining()) return false;
            off = bb.position();
            len = bb.remaining();
        }
        if (pending == null || pending.length < pendingLen + len) {
            pending = Arrays.copyOf(pending == null ? new byte[0] : pending, Math.max(pendingLen + len, 8192));
        }
        System.arraycopy(b, off, pending, pendingLen, len);
        pendingLen += len;
        return true;
    }

    /** Called by the I/O thread when writable; true when everything queued has gone out. */
    synchronized boolean flush() throws IOException {
        if (pendingLen == 0) return true;
        ByteBuffer bb = ByteBuffer.wrap(pending, 0, pendingLen);
        ch.write(bb);
        int left = bb.remaining();
        if (left > 0) System.arraycopy(pending, bb.position(), pending, 0, left);
        pendingLen = left;
        if (left == 0) pending = null;
        return left == 0;
    }

    synchronized int pendingBytes() {
        return pendingLen;
    }
}
