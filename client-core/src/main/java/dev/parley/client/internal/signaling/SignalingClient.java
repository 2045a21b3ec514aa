package dev.parley.client.internal.signaling;

import dev.parley.client.internal.DaemonThreads;
import dev.parley.client.internal.time.Backoff;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.AuthPayload;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.codec.WireCodec;
import dev.parley.protocol.signal.Answer;
import dev.parley.protocol.signal.Auth;
import dev.parley.protocol.signal.Candidate;
import dev.parley.protocol.signal.Challenge;
import dev.parley.protocol.signal.ClientMessage;
import dev.parley.protocol.signal.CloseCodes;
import dev.parley.protocol.signal.ErrorCode;
import dev.parley.protocol.signal.ErrorMessage;
import dev.parley.protocol.signal.GetIceServers;
import dev.parley.protocol.signal.GoingAway;
import dev.parley.protocol.signal.IceServers;
import dev.parley.protocol.signal.Logout;
import dev.parley.protocol.signal.Offer;
import dev.parley.protocol.signal.Ping;
import dev.parley.protocol.signal.Pong;
import dev.parley.protocol.signal.Presence;
import dev.parley.protocol.signal.ProtocolVersion;
import dev.parley.protocol.signal.Relayed;
import dev.parley.protocol.signal.ServerMessage;
import dev.parley.protocol.signal.Watch;
import dev.parley.protocol.signal.Welcome;
import dev.parley.client.internal.time.Scheduler;
import lombok.extern.slf4j.Slf4j;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.handshake.ServerHandshake;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.util.List;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A peer's connection to the signaling server: logs in with the identity key, keeps the watch list,
 * relays, and reconnects with backoff until closed (docs/protocol.md § Connection lifecycle).
 * Listener calls run in order on one event thread; {@link #send} is safe from any thread.
 */
@Slf4j
public final class SignalingClient implements AutoCloseable {
    static final int CONNECT_TIMEOUT_MS = 10_000;
    /** The shared codec: unknown fields and types from the server ignored, as docs/protocol.md asks. */
    private static final WireCodec CODEC = WireCodec.standard();

    /**
     * Every URL this client may use (several nodes of one cluster); it moves to the next after a loss. The
     * configured ones first, then those the servers advertised in {@code welcome.nodes} ({@link ServerList}).
     */
    private final ServerList servers;
    private final IdentityKeyPair identity;
    private final SignalingListener listener;
    private final SSLContext sslContext;
    private final ExecutorService events;
    private final Scheduler scheduler;
    /** Reconnect delay after a lost connection: 0.5 s doubling to 30 s (docs/protocol.md). */
    private final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
    private final AtomicLong generation = new AtomicLong();

    private volatile SignalingState state = SignalingState.DISCONNECTED;
    private volatile Connection current;
    private volatile Set<PeerId> watched = Set.of();
    private volatile Welcome welcome;
    private volatile long goingAwayDelayMs = -1;
    /**
     * The delivery mark of the last relay received (docs/protocol.md § Delivery marks), on any connection:
     * sent back in the next auth, so a cluster node taking over from a dead one redelivers only what it missed.
     */
    private volatile String lastMark;
    private Scheduler.Timer heartbeat; // event thread only

    public SignalingClient(URI server, IdentityKeyPair identity, SignalingListener listener) {
        this(server, identity, listener, null);
    }

    /** {@code sslContext} overrides the JVM's trust for wss (e.g. a self-signed test server); null for the default. */
    public SignalingClient(URI server, IdentityKeyPair identity, SignalingListener listener, SSLContext sslContext) {
        this(server, identity, listener, sslContext, Scheduler.system());
    }

    /** Reconnect delays and heartbeats run on {@code scheduler}. */
    public SignalingClient(URI server, IdentityKeyPair identity, SignalingListener listener, SSLContext sslContext,
                           Scheduler scheduler) {
        this(List.of(server), identity, listener, sslContext, scheduler);
    }

    /**
     * Several URLs of one service (the nodes of a cluster): the first is tried first; after a lost or
     * failed connection the next one is, with the usual backoff and jitter (docs/protocol.md § Clusters).
     */
    public SignalingClient(List<URI> servers, IdentityKeyPair identity, SignalingListener listener, SSLContext sslContext,
                           Scheduler scheduler) {
        if (servers.isEmpty()) throw new IllegalArgumentException("no signaling server URL");
        for (URI server : servers) {
            String scheme = server.getScheme();
            if (!"ws".equals(scheme) && !"wss".equals(scheme)) {
                throw new IllegalArgumentException("signaling server URL must start with ws:// or wss://, was " + server);
            }
            if (server.getHost() == null) throw new IllegalArgumentException("signaling server URL has no host: " + server);
        }
        this.servers = new ServerList(servers);
        this.identity = identity;
        this.listener = listener;
        this.sslContext = sslContext;
        String name = "parley-signaling-" + identity.publicKey().peerId().shortForm();
        this.events = Executors.newSingleThreadExecutor(DaemonThreads.named(name + "-events"));
        this.scheduler = scheduler;
    }

    /** The URL in use now (or to be tried next). */
    public URI server() {
        return servers.current();
    }

    /** The failover list now: the configured URLs, then the ones learned from the servers. */
    public List<URI> servers() {
        return servers.all();
    }

    public SignalingState state() {
        return state;
    }

    public Optional<Welcome> welcome() {
        return Optional.ofNullable(welcome);
    }

    /** Starts connecting; reconnects by itself until {@link #close()}. */
    public void start() {
        events.execute(this::connect);
    }

    /** Relays an offer, answer or candidate; false when not logged in right now (nothing is queued). */
    public boolean send(Relayed message) {
        if (message.from() != null) throw new IllegalArgumentException("'from' is stamped by the server");
        return sendRaw(message);
    }

    /** Replaces the set of peers whose presence to follow; kept across reconnects. */
    public void watch(Collection<PeerId> peers) {
        watched = Set.copyOf(peers);
        sendRaw(new Watch(peers.stream().sorted().toList()));
    }

    public void requestIceServers() {
        sendRaw(new GetIceServers());
    }

    private boolean sendRaw(ClientMessage message) {
        Connection c = current;
        if (state != SignalingState.ONLINE || c == null || !c.isOpen()) return false;
        try {
            c.send(CODEC.encodeClient(message));
            return true;
        } catch (RuntimeException e) { // closed between the check and the send
            log.debug("send failed: {}", e.toString());
            return false;
        }
    }

    /** Stops for good; {@link SignalingListener#onClosed()} follows. Idempotent. */
    @Override
    public void close() {
        if (state == SignalingState.CLOSED) return;
        boolean online = state == SignalingState.ONLINE;
        state = SignalingState.CLOSED;
        generation.incrementAndGet();
        Connection c = current;
        current = null;
        if (c != null) {
            // A clean exit says so: contacts see us offline now, not after the server's resume grace.
            if (online && c.isOpen()) {
                try {
                    c.send(CODEC.encodeClient(new Logout()));
                } catch (RuntimeException e) { // closed meanwhile: the grace covers it
                    log.debug("logout not sent: {}", e.toString());
                }
            }
            c.close(CloseCodes.NORMAL, "client closing");
        }
        try {
            events.execute(() -> {
                stopHeartbeat();
                try {
                    listener.onClosed();
                } catch (RuntimeException e) {
                    log.warn("listener failed in onClosed", e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
            // already shut down
        }
        events.shutdown();
        try {
            events.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // --- event thread from here on ---

    private void connect() {
        if (state == SignalingState.CLOSED || state == SignalingState.REPLACED) return;
        state = SignalingState.CONNECTING;
        long gen = generation.incrementAndGet();
        URI server = server();
        Connection c = new Connection(gen, server);
        current = c;
        if (sslContext != null && "wss".equals(server.getScheme())) c.setSocketFactory(sslContext.getSocketFactory());
        c.setTcpNoDelay(true);
        c.connect();
    }

    private void onServerMessage(long gen, ServerMessage m) {
        if (gen != generation.get()) return;
        m.accept(router);
    }

    /** Event thread: one method per server message, so a new one breaks the build here until handled. */
    private final ServerMessage.Handler router = new ServerMessage.Handler() {
        @Override
        public void challenge(Challenge m) {
            log.warn("unexpected second challenge ignored");
        }

        @Override
        public void welcome(Welcome w) {
            welcome = w;
            int learned = servers.learn(w.nodes());
            if (learned > 0) log.info("learned {} more signaling server URL(s) from {}: {}", learned, server(), servers.all());
            state = SignalingState.ONLINE;
            backoff.reset();
            goingAwayDelayMs = -1;
            if (!watched.isEmpty()) sendRaw(new Watch(watched.stream().sorted().toList()));
            startHeartbeat(w.heartbeatMs());
            emit(l -> l.onOnline(w));
        }

        @Override
        public void presence(Presence p) {
            emit(l -> l.onPresence(p));
        }

        @Override
        public void offer(Offer m) {
            emit(l -> l.onRelayed(m));
        }

        @Override
        public void answer(Answer m) {
            emit(l -> l.onRelayed(m));
        }

        @Override
        public void candidate(Candidate m) {
            emit(l -> l.onRelayed(m));
        }

        @Override
        public void pong(Pong m) {
            // nothing to do: the traffic itself keeps the connection alive
        }

        @Override
        public void iceServers(IceServers s) {
            emit(l -> l.onIceServers(s));
        }

        @Override
        public void error(ErrorMessage e) {
            if (e.code() == ErrorCode.REPLACED) state = SignalingState.REPLACED;
            if (!e.code().fatal()) emit(l -> l.onError(e));
            else log.info("server closing the connection: {} {}", e.code().wire(), e.message());
        }

        @Override
        public void goingAway(GoingAway g) {
            goingAwayDelayMs = Math.max(0, g.reconnectAfterMs());
        }
    };

    private void onConnectionClosed(long gen, int code, String reason) {
        if (gen != generation.get()) return;
        stopHeartbeat();
        current = null;
        welcome = null;
        if (state == SignalingState.CLOSED) return;
        if (code == CloseCodes.REPLACED || state == SignalingState.REPLACED) {
            state = SignalingState.REPLACED;
            emit(l -> l.onOffline("another login took over this identity (" + code + ")", -1));
            return;
        }
        state = SignalingState.DISCONNECTED;
        String why = describeClose(code, reason);
        // Another node of the cluster next (one URL: the same again).
        servers.next();
        long delay = goingAwayDelayMs >= 0 ? Backoff.jitter(Math.max(goingAwayDelayMs, 100)) : backoff.nextDelayMs();
        goingAwayDelayMs = -1;
        emit(l -> l.onOffline(why, delay));
        scheduler.schedule(Duration.ofMillis(delay), events, () -> {
            if (state != SignalingState.CLOSED) connect();
        });
    }

    private String describeClose(int code, String reason) {
        if (code == -1 || code == 1006) return "cannot reach signaling server " + server() + (reason == null || reason.isEmpty() ? "" : ": " + reason);
        return "signaling server closed the connection (" + code + (reason == null || reason.isEmpty() ? "" : " " + reason) + ")";
    }

    private void startHeartbeat(long intervalMs) {
        stopHeartbeat();
        long every = Math.max(1_000, intervalMs);
        heartbeat = scheduler.scheduleRepeating(Duration.ofMillis(every), Duration.ofMillis(every), events,
                () -> sendRaw(new Ping(null)));
    }

    private void stopHeartbeat() {
        if (heartbeat != null) heartbeat.cancel();
        heartbeat = null;
    }

    private void emit(java.util.function.Consumer<SignalingListener> call) {
        try {
            call.accept(listener);
        } catch (RuntimeException e) {
            log.warn("signaling listener failed", e);
        }
    }

    /** One WebSocket connection attempt. Its callbacks run on Java-WebSocket's read thread: parse, hand off. */
    private final class Connection extends WebSocketClient {
        private final long gen;
        private final URI server;

        Connection(long gen, URI server) {
            super(server, new Draft_6455(), Map.of(), CONNECT_TIMEOUT_MS);
            this.gen = gen;
            this.server = server;
            setConnectionLostTimeout(30);
        }

        @Override
        public void onOpen(ServerHandshake handshake) {
            // The server speaks first: wait for its challenge.
        }

        @Override
        public void onMessage(String text) {
            ServerMessage m;
            try {
                m = CODEC.decodeServer(text);
            } catch (Exception e) {
                log.warn("ignoring unreadable message from the signaling server: {}", e.getMessage());
                return;
            }
            if (m == null) return; // a newer server's message type: ignore (docs/protocol.md § Versioning)
            if (m instanceof Relayed r && r.mark() != null) lastMark = r.mark(); // this thread reads in order
            if (m instanceof Challenge c) {
                answer(c);
                return;
            }
            events.execute(() -> onServerMessage(gen, m));
        }

        /** Signs the challenge at once on this thread: nothing else may be sent before it. */
        private void answer(Challenge c) {
            if (c.version() != ProtocolVersion.CURRENT) {
                log.error("signaling server speaks protocol version {}, this client {}: upgrade Parley", c.version(), ProtocolVersion.CURRENT);
                close(CloseCodes.NORMAL, "unsupported protocol version");
                return;
            }
            try {
                byte[] nonce = Base64Url.decode("nonce", c.nonce(), AuthPayload.NONCE_LENGTH);
                String host = AuthPayload.authority(server.getHost(), server.getPort(), "wss".equals(server.getScheme()));
                byte[] sig = identity.sign(AuthPayload.bytes(host, nonce, identity.publicKey()));
                send(CODEC.encodeClient(new Auth(identity.publicKey(), c.nonce(), Base64Url.encode(sig), lastMark)));
            } catch (IllegalArgumentException e) {
                log.warn("bad challenge from the signaling server: {}", e.getMessage());
                close(CloseCodes.PROTOCOL_ERROR, "bad challenge");
            }
        }

        @Override
        public void onClose(int code, String reason, boolean remote) {
            try {
                events.execute(() -> onConnectionClosed(gen, code, reason));
            } catch (java.util.concurrent.RejectedExecutionException ignored) {
                // client closed
            }
        }

        @Override
        public void onError(Exception ex) {
            log.debug("signaling connection error: {}", ex.toString());
        }
    }
}
