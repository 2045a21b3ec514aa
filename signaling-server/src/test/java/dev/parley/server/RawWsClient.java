package dev.parley.server;

import dev.parley.protocol.crypto.AuthPayload;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.signal.Auth;
import dev.parley.protocol.signal.Challenge;
import dev.parley.protocol.signal.ClientMessage;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.fail;

/**
 * A deliberately naive WebSocket client over a plain socket: an HTTP upgrade and frames built by hand,
 * so tests can send what no well-behaved library would (huge declared lengths, endless fragments,
 * broken UTF-8). A reader thread records text messages and the close code; it can be paused to play
 * a client that stops reading.
 */
final class RawWsClient implements AutoCloseable {
    static final int TEXT = 1, BINARY = 2, CONTINUATION = 0, CLOSE = 8, PING = 9, PONG = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    final Socket socket;
    final String status;
    final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    /** The close code the server sent, or -1 if the socket ended without a close frame. */
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    final AtomicLong bytesSent = new AtomicLong();
    private final OutputStream out;
    private volatile boolean paused;

    private RawWsClient(Socket socket, String status) throws IOException {
        this.socket = socket;
        this.status = status;
        this.out = socket.getOutputStream();
    }

    static RawWsClient connect(int port, String extraHeaders) throws IOException {
        return connect(null, port, "127.0.0.1:" + port, "", extraHeaders);
    }

    /**
     * From {@code local} (e.g. 127.0.0.2; null: any), with this Host header; {@code preamble} is written
     * before the HTTP request (a PROXY protocol header, say).
     */
    static RawWsClient connect(InetAddress local, int port, String host, String preamble, String extraHeaders) throws IOException {
        return connect(local, port, host, preamble.getBytes(StandardCharsets.ISO_8859_1), extraHeaders);
    }

    static RawWsClient connect(InetAddress local, int port, String host, byte[] preamble, String extraHeaders) throws IOException {
        Socket s = new Socket();
        if (local != null) s.bind(new InetSocketAddress(local, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout(10_000);
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        String req = "GET / HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n"
                + extraHeaders + "\r\n";
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        try {
            s.getOutputStream().write(preamble);
            s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) break;
                head.write(b);
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
        } catch (java.net.SocketException reset) {
            // The server closed while we still wrote: the kernel answers with a reset instead of EOF.
            // Either way the connection was refused before any upgrade; what was read is the answer.
        }
        String response = head.toString(StandardCharsets.US_ASCII);
        String status = response.isEmpty() ? "" : response.substring(0, Math.max(0, response.indexOf('\r')));
        RawWsClient c = new RawWsClient(s, status);
        if (status.contains(" 101 ")) c.startReader(new DataInputStream(in));
        else c.closeCode.complete(-1);
        return c;
    }

    boolean upgraded() {
        return status.contains(" 101 ");
    }

    private void startReader(DataInputStream in) {
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    while (paused) java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                    int b0 = in.readUnsignedByte();
                    int b1 = in.readUnsignedByte();
                    long len = b1 & 0x7f;
                    if (len == 126) len = in.readUnsignedShort();
                    else if (len == 127) len = in.readLong();
                    byte[] payload = new byte[(int) len];
                    in.readFully(payload);
                    int op = b0 & 0x0f;
                    if (op == TEXT) {
                        String text = new String(payload, StandardCharsets.UTF_8);
                        texts.add(text);
                        String marker = pongMarker;
                        if (marker != null && text.contains("\"pong\"") && text.contains(marker)) pong.complete(null);
                    }
                    if (op == CLOSE) {
                        closeCode.complete(len >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005);
                        return;
                    }
                }
            } catch (EOFException e) {
                closeCode.complete(-1);
            } catch (IOException e) {
                closeCode.complete(-1);
            }
        }, "raw-ws-reader");
        t.setDaemon(true);
        t.start();
    }

    private volatile String pongMarker;
    private final java.util.concurrent.CompletableFuture<Void> pong = new java.util.concurrent.CompletableFuture<>();

    /**
     * Sends a ping and waits until its pong has arrived or the server closed (at most 10 s). The server
     * answers one connection in order, so every reply to what was sent before the ping is in
     * {@link #texts} afterwards. Once per client.
     */
    void syncWithPing() throws Exception {
        String id = "sync-" + System.nanoTime();
        pongMarker = "\"id\":\"" + id + "\"";
        if (!closed()) {
            try {
                text("{\"type\":\"ping\",\"id\":\"" + id + "\"}");
            } catch (IOException closedMeanwhile) {
                // the server cut us: what it said before is all there is
            }
        }
        java.util.concurrent.CompletableFuture.anyOf(pong, closeCode).get(10, TimeUnit.SECONDS);
    }

    void pauseReading() {
        paused = true;
    }

    String nextText() throws InterruptedException {
        String s = texts.poll(RecordingClient.WAIT_SECONDS, TimeUnit.SECONDS);
        if (s == null) fail("no message within " + RecordingClient.WAIT_SECONDS + " s");
        return s;
    }

    /** A masked frame as a browser would send it (RFC 6455 §5.2). */
    synchronized void frame(int opcode, boolean fin, byte[] payload) throws IOException {
        byte[] head = header(opcode, fin, payload.length);
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        byte[] body = new byte[head.length + 4 + payload.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(mask, 0, body, head.length, 4);
        for (int i = 0; i < payload.length; i++) body[head.length + 4 + i] = (byte) (payload[i] ^ mask[i & 3]);
        out.write(body);
        out.flush();
        bytesSent.addAndGet(body.length);
    }

    void text(String s) throws IOException {
        frame(TEXT, true, s.getBytes(StandardCharsets.UTF_8));
    }

    /** Only a frame header (with mask key) that promises {@code declared} bytes, none of which follow. */
    synchronized void headerOnly(int opcode, boolean fin, long declared) throws IOException {
        byte[] head = header(opcode, fin, declared);
        out.write(head);
        out.write(new byte[4]);
        out.flush();
        bytesSent.addAndGet(head.length + 4);
    }

    private static byte[] header(int opcode, boolean fin, long len) {
        int b0 = (fin ? 0x80 : 0) | opcode;
        if (len < 126) return new byte[] {(byte) b0, (byte) (0x80 | len)};
        if (len <= 0xffff) return new byte[] {(byte) b0, (byte) (0x80 | 126), (byte) (len >> 8), (byte) len};
        byte[] h = new byte[10];
        h[0] = (byte) b0;
        h[1] = (byte) (0x80 | 127);
        for (int i = 0; i < 8; i++) h[2 + i] = (byte) (len >>> (56 - 8 * i));
        return h;
    }

    /** Answers the challenge with a login signed for {@code host}; returns the server's next message. */
    String login(IdentityKeyPair key, String host) throws Exception {
        Challenge ch = (Challenge) RecordingClient.CODEC.decodeServerStrict(nextText());
        byte[] nonce = Base64Url.decode("nonce", ch.nonce(), AuthPayload.NONCE_LENGTH);
        byte[] sig = key.sign(AuthPayload.bytes(host, nonce, key.publicKey()));
        text(RecordingClient.CODEC.encodeClient(new Auth(key.publicKey(), ch.nonce(), Base64Url.encode(sig))));
        return nextText();
    }

    void send(ClientMessage m) throws IOException {
        text(RecordingClient.CODEC.encodeClient(m));
    }

    /** True once the server closed (frame or socket). */
    boolean closed() {
        return closeCode.isDone();
    }

    int awaitClose() throws Exception {
        return closeCode.get(RecordingClient.WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
