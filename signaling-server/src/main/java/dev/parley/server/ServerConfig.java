package dev.parley.server;

import lombok.Builder;
import lombok.Getter;
import lombok.ToString;
import lombok.experimental.Accessors;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything an operator can set on a {@link SignalingServer}. Immutable; build one with
 * {@link #builder()} or load one with {@link ConfigLoader} (flags &gt; environment &gt; file &gt; defaults).
 * Port 0 means "any free port"; a negative HTTP port turns the ops endpoint off.
 */
@Getter
@Accessors(fluent = true)
@Builder(toBuilder = true)
@ToString(exclude = {"turnSecret", "tlsPassword"})
public final class ServerConfig {
    /**
     * Address the WebSocket listener binds. Loopback by default: a server reachable from elsewhere must
     * also say its public name ({@link #publicHosts}, or a TLS certificate), which logins are bound to.
     */
    @Builder.Default private final String bindAddress = "127.0.0.1";
    @Builder.Default private final int port = 8080;
    /** The ops endpoint (/healthz, /metrics) is loopback-only unless told otherwise. */
    @Builder.Default private final String httpBindAddress = "127.0.0.1";
    @Builder.Default private final int httpPort = 9090;

    /** wss with a PEM certificate chain and PKCS#8 key... */
    private final Path tlsCert;
    private final Path tlsKey;
    /** ...or with a PKCS#12 key store (password in {@link #tlsPassword}). */
    private final Path tlsPkcs12;
    private final String tlsPassword;

    /**
     * The authorities clients dial and sign at login (e.g. {@code chat.example.com}); empty: the loopback
     * names on a loopback bind, else the TLS certificate's DNS names, else the server refuses to start.
     * Never the request's Host header.
     */
    @Builder.Default private final List<String> publicHosts = List.of();
    /** Browser origins allowed to open a WebSocket; empty: any. Requests without Origin (non-browser) pass. */
    @Builder.Default private final List<String> allowedOrigins = List.of();

    /** Largest message, counted across continuation frames. */
    @Builder.Default private final int maxMessageBytes = 64 * 1024;
    @Builder.Default private final int messagesPerSecond = 50;
    @Builder.Default private final int burst = 200;
    @Builder.Default private final int maxWatch = 1000;
    /** Most WebSocket frames one message may span (continuations, even empty ones, count). */
    @Builder.Default private final int maxFragments = 64;
    /** Pings and pongs a client may send per second (burst 4 s worth). */
    @Builder.Default private final int controlFramesPerSecond = 5;
    /** Inbound payload bytes per second per connection, over all frames (burst 4 s worth); 0: 4096 x messages-per-second. */
    @Builder.Default private final long bytesPerSecond = 0;

    public long bytesPerSecond() {
        return bytesPerSecond > 0 ? bytesPerSecond : 4096L * messagesPerSecond;
    }

    /** TCP connections, including those still in the handshake. */
    @Builder.Default private final int maxConnections = 50_000;
    /**
     * Per client address (IPv4, or IPv6 /64). Sized for many users behind one address: a carrier-grade
     * NAT or an office shares one IPv4 among hundreds to a few thousand people (docs/server.md § Many
     * users behind one address). 50,000 / 1,000: an attacker needs at least 50 addresses to fill the server.
     */
    @Builder.Default private final int maxConnectionsPerIp = 1000;
    /** After a restart all 1,000 users behind one NAT reconnect within ~10 s: burst 500, then 50/s. */
    @Builder.Default private final int handshakesPerSecondPerIp = 50;
    @Builder.Default private final int handshakeBurstPerIp = 500;
    /**
     * Address blocks of reverse proxies / load balancers in front of the server (e.g. {@code 10.0.0.0/8});
     * only from these are a PROXY protocol header or X-Forwarded-For believed. Empty: none.
     */
    @Builder.Default private final List<String> trustedProxies = List.of();

    /** From TCP accept to a verified {@code auth}, covering the WebSocket handshake too. */
    @Builder.Default private final Duration authDeadline = Duration.ofSeconds(10);
    @Builder.Default private final Duration idleTimeout = Duration.ofSeconds(60);
    /** Interval of WebSocket-level pings; a client that answers none for 1.5x this is dropped. */
    @Builder.Default private final Duration heartbeat = Duration.ofSeconds(20);
    @Builder.Default private final Duration resumeGrace = Duration.ofSeconds(30);

    /**
     * Outbound queue bounds per connection; past either, relays to it are refused ({@code recipient_busy}),
     * and if it stays past them for {@link #slowConsumerTimeout} it has stopped reading and is cut.
     */
    @Builder.Default private final int maxQueuedMessages = 1024;
    @Builder.Default private final long maxQueuedBytes = 1024 * 1024;
    @Builder.Default private final Duration slowConsumerTimeout = Duration.ofSeconds(10);

    /**
     * Inbound budget of a recipient from one sender: messages and bytes per second (burst: 4 s worth).
     * 0: messages-per-second, and 2 KiB per message of it. All senders the recipient does not watch share
     * four senders' worth, at most half its outbound queue (docs/server.md § Per-recipient fairness).
     */
    @Builder.Default private final int recipientMessagesPerSecond = 0;
    @Builder.Default private final long recipientBytesPerSecond = 0;

    public int recipientMessagesPerSecond() {
        return recipientMessagesPerSecond > 0 ? recipientMessagesPerSecond : messagesPerSecond;
    }

    public long recipientBytesPerSecond() {
        return recipientBytesPerSecond > 0 ? recipientBytesPerSecond : 2048L * recipientMessagesPerSecond();
    }

    @Builder.Default private final List<String> stunUrls = List.of();
    @Builder.Default private final List<String> turnUrls = List.of();
    /** coturn {@code static-auth-secret}; TURN servers are handed out only when this is set. */
    private final String turnSecret;
    @Builder.Default private final Duration turnTtl = Duration.ofHours(1);

    /** What {@code going-away} tells clients to wait before reconnecting. */
    @Builder.Default private final Duration reconnectAfter = Duration.ofSeconds(2);
    /** How long /healthz reports 503 before clients are told to go away (lets a load balancer notice). */
    @Builder.Default private final Duration drainDelay = Duration.ZERO;
    /** How long shutdown waits for clients to finish closing. */
    @Builder.Default private final Duration shutdownTimeout = Duration.ofSeconds(5);
    public static final String NETTY = "netty";

    /**
     * WebSocket transport: only {@value #NETTY}. The Java-WebSocket server transport was removed: it cut
     * oversize frames with 1006 instead of 1009 and refused a character split across fragments.
     */
    @Builder.Default private final String transport = NETTY;
    /** Netty event loops; 0: one per four CPUs, at least one (NettyTransport.defaultEventLoops). */
    @Builder.Default private final int workerThreads = 0;

    /** Clustered: the Redis coordinating the nodes ({@code redis://host:port[/db]}); null: a single server. */
    private final String redis;
    /** Clustered: this node's name (null: a random one at start). */
    private final String nodeId;
    /**
     * Clustered: the ws:// or wss:// URL clients can reach this node at, advertised in the other nodes'
     * {@code welcome.nodes} (null: not advertised).
     */
    private final String publicUrl;
    /**
     * Clustered: how long a Redis command may take before it counts as failed (a login waiting for its
     * claim is then refused with a retry hint; the heartbeat marks the node not ready).
     */
    @Builder.Default private final Duration redisTimeout = Duration.ofSeconds(1);
    /**
     * Clustered: how long a route learned from a relay is reused before it is looked up again (not a
     * command-line setting: the far node checks the epoch, so this only trades Redis work for how soon a
     * moved peer's route is relearnt without a detour; tests shorten it).
     */
    @Builder.Default private final Duration routeCache = Duration.ofSeconds(2);

    public boolean tls() {
        return tlsPkcs12 != null || tlsCert != null;
    }

    /** Throws IllegalArgumentException naming the first setting that makes no sense. */
    public ServerConfig validate() {
        require(port >= 0 && port <= 65535, "port must be 0..65535");
        require(httpPort <= 65535, "http-port must be at most 65535 (negative: off)");
        require(tlsPkcs12 == null || tlsCert == null, "give either tls-pkcs12 or tls-cert/tls-key, not both");
        require((tlsCert == null) == (tlsKey == null), "tls-cert and tls-key go together");
        require(maxMessageBytes >= 1024, "max-message-bytes must be at least 1024");
        require(messagesPerSecond >= 1 && burst >= 1, "messages-per-second and burst must be positive");
        require(maxWatch >= 0, "max-watch must not be negative");
        require(maxFragments >= 1 && controlFramesPerSecond >= 1 && bytesPerSecond >= 0,
                "max-fragments and control-frames-per-second must be positive, bytes-per-second not negative");
        require(maxConnections >= 1 && maxConnectionsPerIp >= 1, "connection caps must be positive");
        require(handshakesPerSecondPerIp >= 1 && handshakeBurstPerIp >= 1, "handshake rates must be positive");
        require(positive(authDeadline) && positive(idleTimeout) && positive(heartbeat), "timeouts must be positive");
        require(!resumeGrace.isNegative() && !drainDelay.isNegative() && !shutdownTimeout.isNegative(),
                "durations must not be negative");
        require(maxQueuedMessages >= 1 && maxQueuedBytes >= maxMessageBytes,
                "max-queued-messages must be positive and max-queued-bytes at least max-message-bytes");
        require(!publicHosts.isEmpty() || tls() || PublicHosts.loopback(bindAddress),
                "binding " + bindAddress + " (not loopback) needs --public-host (the authority clients dial, which"
                        + " logins are bound to) or a TLS certificate naming it");
        require(recipientMessagesPerSecond >= 0 && recipientBytesPerSecond >= 0, "recipient budgets must not be negative");
        require(positive(slowConsumerTimeout), "slow-consumer-ms must be positive");
        for (String p : trustedProxies) Cidr.parse(p); // throws IllegalArgumentException naming the bad one
        require(turnUrls.isEmpty() || turnSecret != null, "turn-urls need turn-secret");
        require(positive(turnTtl), "turn-ttl-seconds must be positive");
        require(NETTY.equals(transport), "transport must be netty (the java-websocket server transport was removed:"
                + " it could not meet the server's framing limits; see docs/server.md)");
        require(workerThreads >= 0, "worker-threads must not be negative");
        require(redis == null || redis.startsWith("redis://"), "redis must be a redis://HOST:PORT[/DB] URL");
        require(positive(redisTimeout), "redis-timeout must be positive");
        require(!routeCache.isNegative(), "route-cache must not be negative");
        require(nodeId == null || nodeId.matches("[A-Za-z0-9._-]{1,64}"), "node-id must be 1-64 of letters, digits, - _ .");
        require(publicUrl == null || redis != null, "public-url is advertised to clients by the other nodes of a cluster: it needs redis");
        require(publicUrl == null || validPublicUrl(publicUrl), "public-url must be a ws:// or wss:// URL with a host (at most 256 characters), was " + publicUrl);
        return this;
    }

    static boolean validPublicUrl(String url) {
        if (url.length() > 256) return false;
        try {
            java.net.URI u = new java.net.URI(url);
            return ("ws".equals(u.getScheme()) || "wss".equals(u.getScheme())) && u.getHost() != null && u.getRawUserInfo() == null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}
