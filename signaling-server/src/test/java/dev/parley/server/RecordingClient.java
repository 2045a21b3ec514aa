package dev.parley.server;

import dev.parley.protocol.codec.WireCodec;
import dev.parley.protocol.signal.ClientMessage;
import dev.parley.protocol.signal.ServerMessage;
import dev.parley.testing.EventRecorder;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real WebSocket client that records everything: each text message goes into the shared strict
 * {@link EventRecorder} (taken in order, nothing skipped), the close into a future. Tests wait for what
 * they expect with bounded timeouts and end with {@link #assertExhausted()}.
 */
final class RecordingClient extends WebSocketClient {
    /** The shared codec; what the server sends is read strictly, so an undocumented field fails the test. */
    static final WireCodec CODEC = WireCodec.standard();
    static final long WAIT_SECONDS = 5;

    record Close(int code, String reason, boolean remote) {}

    final EventRecorder<String> received;
    final CompletableFuture<Close> closed = new CompletableFuture<>();
    volatile boolean opened;

    RecordingClient(URI uri) {
        super(uri);
        received = new EventRecorder<String>("ws client of " + uri).timeout(java.time.Duration.ofSeconds(WAIT_SECONDS));
        setConnectionLostTimeout(0);
    }

    static RecordingClient connect(URI uri, SSLContext tls) throws InterruptedException {
        return connect(uri, tls, 0);
    }

    /**
     * {@code receiveBuffer} > 0: the socket's receive buffer is fixed at that size (no autotuning), so a test
     * that stops reading knows the kernel holds little of what the server sends.
     */
    static RecordingClient connect(URI uri, SSLContext tls, int receiveBuffer) throws InterruptedException {
        RecordingClient c = new RecordingClient(uri);
        if (tls != null) c.setSocketFactory(tls.getSocketFactory());
        if (receiveBuffer > 0) {
            try {
                java.net.Socket s = new java.net.Socket();
                s.setReceiveBufferSize(receiveBuffer);
                c.setSocket(s);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        c.connectBlocking(WAIT_SECONDS, TimeUnit.SECONDS);
        // The server may close right after the handshake (overloaded): opened, even if no longer open.
        assertThat(c.opened).as("connected to " + uri).isTrue();
        return c;
    }

    @Override
    public void onOpen(ServerHandshake handshake) {
        opened = true;
    }

    @Override
    public void onMessage(String message) {
        CountDownLatch h = held;
        if (h != null) {
            try {
                h.await(60, TimeUnit.SECONDS); // bounded: a test that forgets to resume fails, never hangs
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        received.record(message);
    }

    private volatile CountDownLatch held;

    /**
     * Stops reading at the next message until {@link #resumeReading()}: what the server sends then backs up
     * in the socket buffers and in the server's outbound queue, as behind a slow link.
     */
    void holdReading() {
        held = new CountDownLatch(1);
    }

    void resumeReading() {
        CountDownLatch h = held;
        held = null;
        if (h != null) h.countDown();
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
        closed.complete(new Close(code, reason, remote));
    }

    @Override
    public void onError(Exception ex) {
    }

    void send(ClientMessage m) {
        send(CODEC.encodeClient(m));
    }

    String nextText() {
        try {
            return received.next();
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n  closed: " + closed.getNow(null), e);
        }
    }

    ServerMessage next() throws Exception {
        return CODEC.decodeServerStrict(nextText());
    }

    /** As {@link #expect}, for an event that comes after a known longer delay (a grace period ending). */
    <T extends ServerMessage> T expectWithin(Class<T> type, java.time.Duration wait) throws Exception {
        ServerMessage m = CODEC.decodeServerStrict(received.next(wait));
        assertThat(m).isInstanceOf(type);
        return type.cast(m);
    }

    <T extends ServerMessage> T expect(Class<T> type) throws Exception {
        ServerMessage m = next();
        assertThat(m).isInstanceOf(type);
        return type.cast(m);
    }

    Close awaitClose() throws Exception {
        return closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    void assertExhausted() {
        received.assertExhausted();
    }
}
