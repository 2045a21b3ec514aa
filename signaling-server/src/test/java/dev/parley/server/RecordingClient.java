package dev.parley.server;

import dev.parley.protocol.codec.WireCodec;
import dev.parley.protocol.signal.ClientMessage;
import dev.parley.protocol.signal.ServerMessage;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A real WebSocket client that records everything: each text message goes into a queue, the close
 * into a future. Tests wait for what they expect with bounded timeouts and end with {@link #assertExhausted()}.
 */
final class RecordingClient extends WebSocketClient {
    /** The shared codec; what the server sends is read strictly, so an undocumented field fails the test. */
    static final WireCodec CODEC = WireCodec.standard();
    static final long WAIT_SECONDS = 5;

    record Close(int code, String reason, boolean remote) {}

    final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Close> closed = new CompletableFuture<>();
    volatile boolean opened;

    RecordingClient(URI uri) {
        super(uri);
        setConnectionLostTimeout(0);
    }

    static RecordingClient connect(URI uri, SSLContext tls) throws InterruptedException {
        RecordingClient c = new RecordingClient(uri);
        if (tls != null) c.setSocketFactory(tls.getSocketFactory());
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
        received.add(message);
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

    String nextText() throws InterruptedException {
        String s = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (s == null) fail("no message within " + WAIT_SECONDS + " s; closed: " + closed.getNow(null));
        return s;
    }

    ServerMessage next() throws Exception {
        return CODEC.decodeServerStrict(nextText());
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
        assertThat(received).as("unexpected messages").isEmpty();
    }
}
