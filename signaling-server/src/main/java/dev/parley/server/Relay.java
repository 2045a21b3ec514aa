package dev.parley.server;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.Printable;
import dev.parley.protocol.crypto.AuthPayload;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.IdentityKey;
import dev.parley.protocol.signal.Auth;
import dev.parley.protocol.signal.Challenge;
import dev.parley.protocol.signal.ClientMessage;
import dev.parley.protocol.signal.DeliveryMark;
import dev.parley.protocol.signal.ErrorCode;
import dev.parley.protocol.signal.ErrorMessage;
import dev.parley.protocol.signal.GoingAway;
import dev.parley.protocol.signal.IceServers;
import dev.parley.protocol.signal.Offer;
import dev.parley.protocol.signal.Ping;
import dev.parley.protocol.signal.Pong;
import dev.parley.protocol.signal.ProtocolVersion;
import dev.parley.protocol.signal.Relayed;
import dev.parley.protocol.signal.Watch;
import dev.parley.protocol.signal.Welcome;
import lombok.extern.slf4j.Slf4j;

import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The signaling logic, independent of the WebSocket transport: login, relay, presence, limits. The transport
 * ({@link NettyTransport}) calls {@link #accepted}, {@link #originAllowed},
 * {@link #opened}, {@link #text}, {@link #binary}, {@link #ping} and {@link #closed} for each connection,
 * always from the one thread that reads that connection, in order; the shared scheduler runs
 * {@link #sweep}. Nothing here blocks: sending to another peer only queues bytes on its socket.
 */
@Slf4j
final class Relay {
    /** Close codes the transports use when no close frame is exchanged. */
    static final int NEVER_CONNECTED = -1, NORMAL_CLOSE = 1000, GOING_AWAY = 1001, ABNORMAL_CLOSE = 1006;
    /** Before login: largest message, and the frame budget (docs/server.md § Every frame is charged). */
    static final int PRE_AUTH_MAX_MESSAGE_BYTES = 4096, PRE_AUTH_FRAME_BURST = 16, PRE_AUTH_FRAMES_PER_SECOND = 2,
            PRE_AUTH_BYTE_BURST = 16 * 1024, PRE_AUTH_CONTROL_BURST = 4;
    /** A connection the server is closing gets this long to finish before its socket is cut. */
    private static final long CLOSE_TIMEOUT_MS = 5_000;

    private final ServerConfig cfg;
    private final Clock clock;
    private final Metrics metrics;
    private final Codec codec;
    private final Registry registry;
    private final Directory directory;
    private final FromOtherNodes fromOtherNodes;
    private final Delivery delivery;
    private final IceServerProvider ice;
    private final Admission admission;
    private final DirectoryWait waits;
    private final AtomicInteger websockets = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();
    private final Set<String> allowedOrigins;
    /** The authorities logins are bound to ({@link PublicHosts}); set once the port is bound. */
    private volatile List<String> publicHosts = List.of();
    private final Welcome.Limits limits;
    private final FrameBudget.Limits postAuth;
    private volatile boolean draining;
    private int sweeps;

    Relay(ServerConfig cfg, Clock clock, Metrics metrics) {
        this(cfg, clock, metrics, Directory.LOCAL);
    }

    Relay(ServerConfig cfg, Clock clock, Metrics metrics, Directory directory) {
        this.cfg = cfg;
        this.clock = clock;
        this.metrics = metrics;
        this.codec = new Codec(cfg.maxMessageBytes(), cfg.maxWatch());
        this.directory = directory;
        this.registry = new Registry(codec, directory);
        this.delivery = new Delivery(cfg, clock, metrics);
        this.fromOtherNodes = new FromOtherNodes(this, delivery, registry, directory, metrics);
        this.ice = new IceServerProvider(cfg, clock);
        this.admission = new Admission(cfg, clock, metrics);
        this.waits = new DirectoryWait(this, this::dispatch, cfg.maxQueuedBytes());
        this.allowedOrigins = new HashSet<>(cfg.allowedOrigins());
        this.limits = new Welcome.Limits(cfg.maxMessageBytes(), cfg.messagesPerSecond(), cfg.burst(), cfg.maxWatch());
        double bps = cfg.bytesPerSecond(), cps = cfg.controlFramesPerSecond();
        this.postAuth = new FrameBudget.Limits(4.0 * cfg.messagesPerSecond(), 4.0 * cfg.burst(),
                bps, Math.max(4 * bps, 2.0 * cfg.maxMessageBytes()), cps, 4 * cps);
        metrics.gauge("connections", admission::openSockets);
        metrics.gauge("websocket", websockets::get);
        metrics.gauge("authenticated", registry::liveCount);
        metrics.gauge("grace", registry::graceCount);
        metrics.gauge("draining", () -> draining ? 1 : 0);
        metrics.gauge("cluster_waiting", waits::waiting);
    }

    /** What other nodes of the cluster hand to this one. */
    Directory.Node fromOtherNodes() {
        return fromOtherNodes;
    }

    /** The server's own names (never a request's Host header); before this, every login fails. */
    void publicHosts(List<String> hosts) {
        publicHosts = List.copyOf(hosts);
    }

    List<String> publicHosts() {
        return publicHosts;
    }

    boolean draining() {
        return draining;
    }

    int openSockets() {
        return admission.openSockets();
    }

    // ---- accept and handshake ----------------------------------------------------------------

    /** Right after accept: counts the socket; false if it is far over a cap and must be dropped at once ({@link Admission}). */
    boolean accepted(Connection c, InetAddress ip, boolean secure) {
        return admission.accepted(c, ip, secure);
    }

    /** Behind a trusted proxy, the client it names: now the per-address caps apply ({@link Admission}). */
    void clientAddress(Connection c, InetAddress client) {
        admission.clientAddress(c, client);
    }

    void proxyHeaderMalformed() {
        admission.proxyHeaderMalformed();
    }

    /** The client in an X-Forwarded-For header from a trusted proxy ({@link Admission}). */
    InetAddress forwardedFor(String header) {
        return admission.forwardedFor(header);
    }

    /** Every socket not yet released (for transports that keep their own heartbeat). */
    Iterable<Connection> connections() {
        return admission.connections();
    }

    /** Called once per socket, whatever ended it. */
    void released(Connection c) {
        admission.released(c);
    }

    /**
     * A framing violation the transport found (1009 too large, 1007 invalid UTF-8, else 1002): counts it
     * and marks the connection closing; false if it was closing already. The transport sends the close.
     */
    boolean framingViolation(Connection c, int closeCode) {
        return framingViolation(c, closeCode,
                closeCode == 1009 ? "too_large" : closeCode == 1007 ? "invalid_utf8" : "protocol_error");
    }

    /** As above, counted under {@code reason}. */
    boolean framingViolation(Connection c, int closeCode, String reason) {
        synchronized (c) {
            if (c.closing()) return false;
            c.closingSinceMs = Math.max(1, clock.millis());
        }
        metrics.reject(reason);
        return true;
    }

    /**
     * Every frame but close, before anything else is done with it: charged to the connection's frame,
     * byte and (for ping/pong) control-frame budgets. False: over budget, and the connection is being
     * closed ({@code error rate_limited}, 1008; counted as {@code frame_flood} or {@code control_flood}).
     */
    boolean frame(Connection c, boolean control, int payloadBytes) {
        FrameBudget.Verdict v = c.frames.charge(clock.millis(), control, payloadBytes);
        if (v == FrameBudget.Verdict.OK) return true;
        boolean pre = c.session == null;
        fail(c, ErrorCode.RATE_LIMITED, (v == FrameBudget.Verdict.CONTROL ? "too many control frames" : "too many frames or bytes")
                + (pre ? " before login" : ""), null, v == FrameBudget.Verdict.CONTROL ? "control_flood" : "frame_flood");
        return false;
    }

    /** The largest message this connection may send now: much smaller before login. */
    int maxMessageBytes(Connection c) {
        return c.session == null && !c.waiting ? Math.min(PRE_AUTH_MAX_MESSAGE_BYTES, cfg.maxMessageBytes()) : cfg.maxMessageBytes();
    }

    /** The handshake's Origin header (null: none, as from non-browser clients); false: refuse the handshake. */
    boolean originAllowed(Connection c, String origin) {
        if (!allowedOrigins.isEmpty() && origin != null && !allowedOrigins.contains(origin)) {
            metrics.reject("origin");
            log.atDebug().addKeyValue("ip", c.ip).log("origin refused");
            return false;
        }
        return true;
    }

    /**
     * The WebSocket handshake is done. The request's Host header is deliberately not used: logins are
     * bound to the server's configured name, which a client cannot choose.
     */
    void opened(Connection c) {
        websockets.incrementAndGet();
        if (draining) {
            goAway(c, clock.millis());
            return;
        }
        if (c.overloaded) {
            fail(c, ErrorCode.OVERLOADED, "too many connections; try again later", null);
            return;
        }
        c.nonce = new byte[AuthPayload.NONCE_LENGTH];
        random.nextBytes(c.nonce);
        long left = Math.max(0, c.authDeadlineMs - clock.millis());
        c.deliver(codec.write(new Challenge(ProtocolVersion.CURRENT, Base64Url.encode(c.nonce), left)));
    }

    // ---- messages ----------------------------------------------------------------------------

    /** One complete text message: charged now; processed now, or after the directory answers ({@link DirectoryWait}). */
    void text(Connection c, String text) {
        long t0 = System.nanoTime();
        if (c.closing() || c.replaced) return;
        metrics.received();
        if (!c.takeToken(clock.millis(), cfg.messagesPerSecond(), cfg.burst())) {
            fail(c, ErrorCode.RATE_LIMITED, "over " + cfg.messagesPerSecond() + " messages/s", null);
            return;
        }
        if (!waits.hold(c, text, t0)) dispatch(c, text, t0);
    }

    /** A message, charged already, processed in its turn. */
    private void dispatch(Connection c, String text, long t0) {
        Session s = c.session; // read before the flags: login writes them in the other order
        if (c.closing() || c.replaced) return;
        try {
            ClientMessage m;
            try {
                m = s == null ? codec.readPreAuth(text) : codec.readPostAuth(text);
            } catch (Codec.Violation v) {
                if (v.code.fatal()) fail(c, v.code, v.getMessage(), v.ref);
                else error(c, v.code, v.getMessage(), v.ref);
                return;
            }
            if (s == null) {
                m.accept(new ClientRoutes.PreAuth(this, c));
            } else {
                m.accept(new ClientRoutes.LoggedIn(this, c, s, text, t0));
            }
        } catch (RuntimeException e) {
            log.atError().setCause(e).addKeyValue("peer", s == null ? "-" : s.id.shortForm())
                    .log("failed to handle a message");
            fail(c, ErrorCode.INTERNAL, "internal error", null);
        }
    }

    /** One complete binary message (never part of the protocol). */
    void binary(Connection c) {
        if (c.closing() || c.replaced) return;
        fail(c, ErrorCode.MALFORMED, "binary messages are not part of the protocol", null);
    }

    /** A WebSocket ping arrived; true if it should be answered with a pong. */
    boolean ping(Connection c) {
        if (c.closing() || c.replaced) return false;
        // Pings cost a pong each: they count against the same rate as messages.
        if (!c.takeToken(clock.millis(), cfg.messagesPerSecond(), cfg.burst())) {
            fail(c, ErrorCode.RATE_LIMITED, "over " + cfg.messagesPerSecond() + " messages/s", null);
            return false;
        }
        return true;
    }

    void login(Connection c, Auth a) {
        long now = clock.millis();
        byte[] issued = c.nonce;
        c.nonce = null; // single use, whatever happens next
        if (now > c.authDeadlineMs) {
            fail(c, ErrorCode.AUTH_TIMEOUT, "auth came after the deadline", null);
            return;
        }
        byte[] nonce;
        byte[] signature;
        try {
            nonce = Base64Url.decode("nonce", a.nonce(), AuthPayload.NONCE_LENGTH);
            signature = Base64Url.decode("signature", a.signature(), IdentityKey.SIGNATURE_LENGTH);
        } catch (IllegalArgumentException e) {
            fail(c, ErrorCode.AUTH_FAILED, e.getMessage(), null);
            return;
        }
        IdentityKey key = a.publicKey();
        if (key == null || issued == null || !MessageDigest.isEqual(issued, nonce)) {
            fail(c, ErrorCode.AUTH_FAILED, key == null ? "publicKey is missing"
                    : "nonce is not the one issued on this connection", null);
            return;
        }
        List<String> hosts = publicHosts;
        boolean ok = false;
        for (String host : hosts) {
            if (key.verify(AuthPayload.bytes(host, nonce, key), signature)) {
                ok = true;
                break;
            }
        }
        if (!ok) {
            fail(c, ErrorCode.AUTH_FAILED, "signature does not verify for " + (hosts.isEmpty()
                    ? "this server (not started yet)" : String.join(" or ", hosts)), null);
            return;
        }
        PeerId id = key.peerId();
        c.frames.phase(postAuth, now); // verified: what it sends while the claim is pending is charged as logged in
        waits.then(c, directory.claim(id, DeliveryMark.parse(a.mark())), (claim, e) -> bind(c, id, claim, e));
    }

    /** The login's claim is in (or failed): binds the connection, on its own thread. */
    private void bind(Connection c, PeerId id, Directory.Claim claim, Throwable e) {
        if (e != null) {
            if (!(e instanceof Directory.Unavailable)) log.atWarn().addKeyValue("error", e.toString()).log("claim failed");
            metrics.login("unavailable");
            fail(c, ErrorCode.UNAVAILABLE, "cannot log in on this node now (" + (e instanceof Directory.Unavailable
                    ? e.getMessage() : "cluster directory error") + "); retry in "
                    + cfg.reconnectAfter().toMillis() + " ms, or on another node", null);
            return;
        }
        if (c.closing() || !c.isOpen()) {
            // Gone while the claim was pending: the route it took goes again (no-op if superseded), and
            // relays that were parked for it are answered (the claim took them out of Redis).
            if (claim.epoch() != 0) directory.ended(id, claim.epoch());
            if (claim.parked() != null) fromOtherNodes.undeliverable(claim.parked());
            return;
        }
        Registry.Login l = registry.login(id, c, claim, resumed -> welcome(id, resumed));
        if (l == null) {
            metrics.login("superseded");
            fail(c, ErrorCode.REPLACED, "this identity logged in on a newer connection", null);
            return;
        }
        metrics.login(l.replaced() != null ? "replaced" : l.resumed() ? "resumed" : "new");
        if (l.replaced() != null) {
            fail(l.replaced(), ErrorCode.REPLACED, "this identity logged in on a newer connection", null);
        }
        log.atInfo().addKeyValue("peer", id.shortForm()).addKeyValue("ip", c.ip.getHostAddress())
                .addKeyValue("resumed", l.resumed()).addKeyValue("replaced", l.replaced() != null).log("login");
        if (claim.parked() != null) fromOtherNodes.unpark(c, l.session(), claim);
    }

    /** Ends the binding now (no grace) and closes with 1000; the client closes its side too. */
    void logout(Connection c) {
        synchronized (c) {
            if (c.closing()) return;
            c.closingSinceMs = Math.max(1, clock.millis());
        }
        if (registry.logout(c)) metrics.logout();
        c.sendClose(NORMAL_CLOSE, "logged out");
    }

    private String welcome(PeerId id, boolean resumed) {
        IceServerProvider.Offer o = ice.forPeer(id);
        return codec.write(new Welcome(id, resumed, cfg.heartbeat().toMillis(), cfg.idleTimeout().toMillis(),
                cfg.resumeGrace().toMillis(), o.servers(), o.ttlSeconds(), limits, directory.otherNodeUrls()));
    }

    /** {@code kind}: 0 offer, 1 answer, 2 candidate (for the metrics). The codec has checked the schema. */
    void relay(Connection c, Session s, Relayed r, String text, long t0, int kind) {
        PeerId to = r.to();
        if (to.equals(s.id)) {
            error(c, ErrorCode.BAD_REQUEST, "cannot relay to yourself", r.id());
            return;
        }
        if (r.mark() != null) {
            error(c, ErrorCode.BAD_REQUEST, "'mark' is set by the server on what it delivers; a client never sends it", r.id());
            return;
        }
        Session ts = registry.get(to);
        if (ts == null && directory.clustered()) {
            String ref = r.id();
            directory.relay(s.id, to, ref, stamp(text, s.fromPrefix), 0, null, (code, message) -> error(c, code, message, ref));
            return;
        }
        Connection tc = ts == null ? null : ts.conn;
        int verdict = delivery.offer(ts, tc, s.id, r.id(), stamp(text, s.fromPrefix), text.length(), Delivery.SAME_NODE);
        if (verdict == Delivery.DELIVERED) {
            metrics.relayed(kind, System.nanoTime() - t0);
        } else if (verdict == Delivery.OFFLINE) {
            error(c, ErrorCode.PEER_OFFLINE, "peer is offline", r.id());
        } else if (verdict > 0) {
            busy(c, r, verdict - 1);
        } // DROPPED: a retry of a relay this peer got already; the sender needs no answer
    }

    /**
     * The recipient's budget ({@code kind} 0: this sender's, 1: strangers' total, 2: its queue) is spent:
     * the message is dropped, the sender told, and charged one more token of its own rate, so a sender
     * that keeps pushing at a busy peer runs into its own rate limit twice as fast.
     */
    private void busy(Connection c, Relayed r, int kind) {
        metrics.recipientBusy(kind);
        c.takeToken(clock.millis(), cfg.messagesPerSecond(), cfg.burst());
        error(c, ErrorCode.RECIPIENT_BUSY, "the recipient is receiving too much; retry later", r.id());
    }

    /**
     * The received text with {@code "from":"<id>",} spliced in after the opening brace. Safe because
     * the text was just parsed strictly as one JSON object without a {@code from} field, and cheaper than
     * serialising the record again (see docs/server.md for the measurement).
     */
    static String stamp(String text, String fromPrefix) {
        int brace = text.indexOf('{');
        return new StringBuilder(text.length() + fromPrefix.length())
                .append(text, 0, brace + 1).append(fromPrefix).append(text, brace + 1, text.length()).toString();
    }

    void watch(Connection c, Session s, Watch w) {
        if (w.peers().size() > cfg.maxWatch()) {
            error(c, ErrorCode.BAD_REQUEST, "watch at most " + cfg.maxWatch() + " peers", null);
            return;
        }
        watch(c, s, Set.copyOf(w.peers()));
    }

    /** Replaces {@code s}'s watch set with {@code next} and answers with the picture (clustered: after the directory). */
    void watch(Connection c, Session s, Set<PeerId> next) {
        if (!directory.clustered()) {
            registry.watch(s, next);
            return;
        }
        List<PeerId> remote = new java.util.ArrayList<>();
        for (PeerId x : next) if (registry.get(x) == null) remote.add(x);
        waits.then(c, directory.watch(s.id, s.epoch, next, remote), (mutual, e) -> {
            if (c.session != s) return; // replaced or logged out meanwhile
            // Unavailable: the picture shows remote peers offline until the directory is back.
            registry.watch(s, next, e == null ? mutual : Set.of());
        });
    }

    // ---- errors and closing ------------------------------------------------------------------

    void error(Connection c, ErrorCode code, String message, String ref) {
        metrics.error(code.wire());
        c.deliver(codec.write(new ErrorMessage(code, message, ref)));
    }

    /** Sends the error, then closes with its close code; counts the violation. Any thread. */
    void fail(Connection c, ErrorCode code, String message, String ref) {
        fail(c, code, message, ref, code == ErrorCode.REPLACED || code == ErrorCode.SHUTTING_DOWN
                || code == ErrorCode.INTERNAL ? null : code.wire());
    }

    /** As above, counted under {@code reason} (null: not a violation). */
    private void fail(Connection c, ErrorCode code, String message, String ref, String reason) {
        synchronized (c) {
            if (c.closing()) return;
            c.closingSinceMs = Math.max(1, clock.millis());
        }
        if (reason != null) metrics.reject(reason);
        log.atDebug().addKeyValue("code", code.wire()).addKeyValue("ip", c.ip == null ? "-" : c.ip.getHostAddress())
                .addKeyValue("detail", Printable.clip(message)).log("closing connection");
        c.deliver(codec.write(new ErrorMessage(code, message, ref)));
        c.sendClose(code.closeCode(), code.wire());
    }

    private void goAway(Connection c, long now) {
        synchronized (c) {
            if (c.closing()) return;
            c.closingSinceMs = Math.max(1, now);
        }
        c.deliver(codec.write(new GoingAway("server shutting down", cfg.reconnectAfter().toMillis())));
        c.sendClose(GOING_AWAY, "going away");
    }

    /** The WebSocket is closed (after the handshake only); {@code code} as seen by the transport. */
    void closed(Connection c, int code) {
        websockets.decrementAndGet();
        metrics.closed(code);
        if (c.session != null) registry.dropped(c, clock.millis(), cfg.resumeGrace().toMillis());
    }

    // ---- time ---------------------------------------------------------------------------------

    /**
     * Scheduler thread, every tick: handshake and auth deadlines, idle timeout, stuck closes, grace
     * expiry. One pass over the connections replaces per-connection timers.
     */
    void sweep() {
        long now = clock.millis();
        long idle = cfg.idleTimeout().toMillis();
        for (Connection c : admission.connections()) {
            long closing = c.closingSinceMs;
            if (closing != 0) {
                if (now - closing > CLOSE_TIMEOUT_MS) {
                    c.cut(c.closeSent != 0 ? c.closeSent : ABNORMAL_CLOSE, "close timed out");
                }
            } else if (c.session == null) {
                if (c.replaced || c.waiting || now <= c.authDeadlineMs) continue; // waiting: bounded by the directory
                if (c.handshaking()) {
                    c.closingSinceMs = now;
                    metrics.reject("handshake_timeout");
                    c.cut(NEVER_CONNECTED, "handshake timeout");
                } else if (c.isOpen()) {
                    fail(c, ErrorCode.AUTH_TIMEOUT, "no valid auth within " + cfg.authDeadline().toMillis() + " ms", null);
                }
            } else if (now - c.lastFrameMs > idle) {
                fail(c, ErrorCode.IDLE_TIMEOUT, "nothing received for " + idle + " ms", null);
            }
        }
        registry.expire(now);
        if (++sweeps % 64 == 0) {
            admission.prune(now);
            delivery.prune();
            registry.pruneFences();
        }
    }

    /** Shutdown, step zero: /healthz says 503 and new connections are turned away. */
    void drainStart() {
        draining = true;
    }

    /** Shutdown, step one: every client hears going-away and is closed with 1001; new ones too. */
    void drain() {
        draining = true;
        long now = clock.millis();
        for (Connection c : admission.connections()) {
            if (c.isOpen()) {
                goAway(c, now);
            } else if (c.handshaking()) {
                c.closingSinceMs = now;
                c.cut(NEVER_CONNECTED, "going away");
            }
        }
    }

    /** The server's answer to an application-level ping. */
    void pong(Connection c, Ping m) {
        c.deliver(codec.write(new Pong(m.id())));
    }

    /** TURN/STUN servers for this peer, with fresh credentials. */
    void iceServers(Connection c, Session s) {
        IceServerProvider.Offer o = ice.forPeer(s.id);
        c.deliver(codec.write(new IceServers(o.servers(), o.ttlSeconds())));
    }
}
