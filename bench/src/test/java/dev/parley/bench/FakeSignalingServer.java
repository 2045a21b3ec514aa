package dev.parley.bench;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.AuthPayload;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.signal.Auth;
import dev.parley.protocol.signal.Challenge;
import dev.parley.protocol.signal.ClientMessage;
import dev.parley.protocol.signal.ErrorCode;
import dev.parley.protocol.signal.ErrorMessage;
import dev.parley.protocol.signal.Ping;
import dev.parley.protocol.signal.Pong;
import dev.parley.protocol.signal.Relayed;
import dev.parley.protocol.signal.ServerMessage;
import dev.parley.protocol.signal.Welcome;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Just enough of the signaling protocol to check the generator against before the real server
 * exists: challenge, signature check over the dialed authority, welcome, relay with {@code from}
 * stamped, peer_offline, ping/pong. Every fifth relayed message goes out fragmented, and the server
 * sends a WebSocket ping on connect, to exercise those paths of the client.
 */
final class FakeSignalingServer extends WebSocketServer {
    private final SecureRandom random = new SecureRandom();
    private final Map<WebSocket, byte[]> nonces = new ConcurrentHashMap<>();
    private final Map<WebSocket, PeerId> peers = new ConcurrentHashMap<>();
    private final Map<PeerId, WebSocket> byPeer = new ConcurrentHashMap<>();
    private volatile int relayed;
    private final java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    private volatile Exception startFailure;

    FakeSignalingServer() {
        super(new InetSocketAddress("127.0.0.1", 0));
        setReuseAddr(true);
    }

    private static String json(ServerMessage m) {
        return Wire.CODEC.encodeServer(m);
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
        byte[] nonce = new byte[32];
        random.nextBytes(nonce);
        nonces.put(conn, nonce);
        conn.sendPing();
        conn.send(json(new Challenge(1, Base64Url.encode(nonce), 10_000)));
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
        ClientMessage m;
        try {
            m = Wire.CODEC.decodeClient(message);
        } catch (Exception e) {
            conn.close(1008, "malformed");
            return;
        }
        if (m instanceof Auth a) {
            byte[] nonce = nonces.remove(conn);
            String authority = "127.0.0.1:" + getPort();
            if (nonce == null || !a.nonce().equals(Base64Url.encode(nonce))
                    || !a.publicKey().verify(AuthPayload.bytes(authority, nonce, a.publicKey()), Base64Url.decode("sig", a.signature()))) {
                conn.send(json(new ErrorMessage(ErrorCode.AUTH_FAILED, "bad signature", null)));
                conn.close(1008, "auth_failed");
                return;
            }
            PeerId p = a.publicKey().peerId();
            peers.put(conn, p);
            byPeer.put(p, conn);
            conn.send(json(new Welcome(p, false, 20_000, 60_000, 30_000, List.of(), 0, new Welcome.Limits(65536, 50, 200, 1000))));
        } else if (peers.get(conn) == null) {
            conn.close(1008, "not_authenticated");
        } else if (m instanceof Relayed r) {
            WebSocket to = byPeer.get(r.to());
            if (to == null) {
                conn.send(json(new ErrorMessage(ErrorCode.PEER_OFFLINE, "offline", r.id())));
                return;
            }
            String out = json((ServerMessage) r.withFrom(peers.get(conn)));
            if (relayed++ % 5 == 0) {
                int half = out.length() / 2;
                synchronized (to) {
                    to.sendFragmentedFrame(org.java_websocket.enums.Opcode.TEXT, java.nio.ByteBuffer.wrap(out.substring(0, half).getBytes()), false);
                    to.sendFragmentedFrame(org.java_websocket.enums.Opcode.TEXT, java.nio.ByteBuffer.wrap(out.substring(half).getBytes()), true);
                }
            } else {
                synchronized (to) {
                    to.send(out);
                }
            }
        } else if (m instanceof Ping p) {
            conn.send(json(new Pong(p.id())));
        }
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        nonces.remove(conn);
        PeerId p = peers.remove(conn);
        if (p != null) byPeer.remove(p, conn);
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
        if (conn == null) { // the server itself (e.g. bind) failed
            startFailure = ex;
            started.countDown();
        }
    }

    @Override
    public void onStart() {
        started.countDown();
    }

    /** Starts and waits (bounded) until the server listens, so {@link #getPort()} is the bound port. */
    FakeSignalingServer startAndAwait() throws InterruptedException {
        start();
        if (!started.await(10, java.util.concurrent.TimeUnit.SECONDS)) throw new AssertionError("fake server did not start within 10 s");
        if (startFailure != null) throw new AssertionError("fake server failed to start", startFailure);
        return this;
    }

    /** For trying the generator at scale before the real server exists: prints its port, runs until killed. */
    public static void main(String[] args) throws Exception {
        FakeSignalingServer s = new FakeSignalingServer().startAndAwait();
        System.out.println("fake server port " + s.getPort());
        Thread.currentThread().join();
    }
}
