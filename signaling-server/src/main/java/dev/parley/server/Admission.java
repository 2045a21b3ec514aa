package dev.parley.server;

import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which sockets the server takes on, split from {@link Relay}: the connection caps (overall, per
 * address), trusted proxies and the real client behind them, and the set of sockets not yet released.
 * Called by the relay for its transport, from the thread that reads the connection; thread-safe.
 */
final class Admission {
    private final ServerConfig cfg;
    private final Clock clock;
    private final Metrics metrics;
    private final IpLimiter ipLimiter;
    private final Set<Connection> all = ConcurrentHashMap.newKeySet();
    private final AtomicInteger tcp = new AtomicInteger();
    private final int connectionSlack;
    private final List<Cidr> trustedProxies;
    private final FrameBudget.Limits preAuth;

    Admission(ServerConfig cfg, Clock clock, Metrics metrics) {
        this.cfg = cfg;
        this.clock = clock;
        this.metrics = metrics;
        this.ipLimiter = new IpLimiter(cfg.maxConnectionsPerIp(), cfg.handshakesPerSecondPerIp(), cfg.handshakeBurstPerIp());
        this.trustedProxies = cfg.trustedProxies().stream().map(Cidr::parse).toList();
        this.connectionSlack = Math.max(16, cfg.maxConnections() / 10);
        // Before login a client needs one ~300-byte auth: a handful of frames, a few KiB.
        this.preAuth = new FrameBudget.Limits(Relay.PRE_AUTH_FRAMES_PER_SECOND, Relay.PRE_AUTH_FRAME_BURST,
                1024, Relay.PRE_AUTH_BYTE_BURST, 1, Relay.PRE_AUTH_CONTROL_BURST);
    }

    int openSockets() {
        return tcp.get();
    }

    /** Forgets addresses whose counts and rates are back to nothing (every 64th sweep). */
    void prune(long now) {
        ipLimiter.prune(now);
    }

    /**
     * Right after accept: counts the socket; false if it is far over a cap and must be dropped at once
     * (it was not counted then).
     */
    boolean accepted(Connection c, InetAddress ip, boolean secure) {
        long now = clock.millis();
        int total = tcp.incrementAndGet();
        if (total > cfg.maxConnections() + connectionSlack) {
            tcp.decrementAndGet();
            metrics.reject("overloaded");
            return false;
        }
        c.secure = secure;
        c.authDeadlineMs = now + cfg.authDeadline().toMillis();
        c.lastFrameMs = now;
        c.ip = ip;
        if (Cidr.any(trustedProxies, ip)) {
            // Everyone behind the proxy shares its address: count the real client once it is known.
            c.viaProxy = true;
            c.overloaded = total > cfg.maxConnections();
        } else {
            IpLimiter.Verdict v = ipLimiter.accept(ip, now);
            if (v == IpLimiter.Verdict.DROP) {
                tcp.decrementAndGet();
                metrics.reject("overloaded");
                return false;
            }
            c.ipCounted = true;
            c.overloaded = v == IpLimiter.Verdict.OVERLOADED || total > cfg.maxConnections();
        }
        c.frames = new FrameBudget(preAuth, now);
        all.add(c);
        return true;
    }

    /**
     * Behind a trusted proxy, the client it names (PROXY protocol, else X-Forwarded-For; null: none, the
     * proxy itself is the client): now the per-address caps apply. First call wins; no-op otherwise.
     */
    void clientAddress(Connection c, InetAddress client) {
        if (!c.viaProxy || c.ipCounted) return;
        InetAddress a = client == null ? c.ip : client;
        IpLimiter.Verdict v = ipLimiter.accept(a, clock.millis());
        c.ip = a;
        c.ipCounted = v != IpLimiter.Verdict.DROP;
        if (v != IpLimiter.Verdict.OK) c.overloaded = true;
    }

    /** A trusted proxy sent a PROXY header that does not parse; the transport closes the socket. */
    void proxyHeaderMalformed() {
        metrics.reject("proxy_protocol");
    }

    /**
     * The client in an X-Forwarded-For header from a trusted proxy: the rightmost entry that is not itself
     * a trusted proxy (entries left of it could be forged by the client). Null if none parses.
     */
    InetAddress forwardedFor(String header) {
        if (header == null) return null;
        String[] parts = header.split(",");
        InetAddress last = null;
        for (int i = parts.length - 1; i >= 0 && i >= parts.length - 16; i--) {
            InetAddress a = Cidr.literal(parts[i]);
            if (a == null) return last;
            last = a;
            if (!Cidr.any(trustedProxies, a)) return a;
        }
        return last;
    }

    /** Every socket not yet released (for transports that keep their own heartbeat). */
    Iterable<Connection> connections() {
        return all;
    }

    /** Called once per socket, whatever ended it. */
    void released(Connection c) {
        if (all.remove(c)) {
            tcp.decrementAndGet();
            if (c.ipCounted) ipLimiter.release(c.ip);
        }
    }
}
