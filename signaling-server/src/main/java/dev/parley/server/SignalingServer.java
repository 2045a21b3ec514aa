package dev.parley.server;

import lombok.extern.slf4j.Slf4j;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Parley's signaling server: authenticates peers by their identity keys, relays offers, answers and
 * candidates between them, and tells mutual contacts who is online. {@link #start()} binds and returns
 * the ports; {@link #close()} drains gracefully (clients get {@code going-away}, then close 1001).
 * Thread-safe; start and close once each.
 */
@Slf4j
public final class SignalingServer implements AutoCloseable {
    /** The ports actually bound (useful when 0 was asked for); httpPort is -1 when the ops endpoint is off. */
    public record BoundPorts(int wsPort, int httpPort) {}

    private final ServerConfig config;
    private final Clock clock;
    private final Metrics metrics = new Metrics();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private ScheduledExecutorService scheduler;
    private Relay ws;
    private Directory directory = Directory.LOCAL;
    private Transport transport;
    private OpsHttp http;
    private BoundPorts ports;
    private boolean closed;

    public SignalingServer(ServerConfig config) {
        this(config, Clock.systemUTC());
    }

    /** {@code clock} decides deadlines, timeouts, rate limits and grace (tests move it). */
    public SignalingServer(ServerConfig config, Clock clock) {
        this.config = config.validate();
        this.clock = clock;
    }

    /**
     * Binds both listeners and starts serving; throws IOException if a port cannot be bound or TLS material
     * is unusable, IllegalArgumentException if the server's public name cannot be known (see {@link PublicHosts}).
     */
    public synchronized BoundPorts start() throws IOException {
        if (ports != null || closed) throw new IllegalStateException("start() once, before close()");
        SSLContext ssl = config.tls() ? Tls.context(config) : null;
        if (config.redis() != null) {
            String node = config.nodeId() != null ? config.nodeId()
                    : "node-" + Long.toHexString(new java.security.SecureRandom().nextLong() & 0xffffffffffL);
            directory = new RedisDirectory(config.redis(), node, config.redisTimeout(), config.resumeGrace(), config.publicUrl(),
                    config.routeCache());
        }
        ws = new Relay(config, clock, metrics, directory);
        directory.start(ws.fromOtherNodes(), metrics);
        transport = new NettyTransport(config, clock, ssl, ws);
        int wsPort;
        try {
            wsPort = transport.bind();
        } catch (IOException e) {
            stopQuietly();
            throw new IOException("cannot listen on " + config.bindAddress() + ":" + config.port() + ": "
                    + e.getMessage(), e);
        }
        try {
            ws.publicHosts(PublicHosts.resolve(config, wsPort));
        } catch (IOException | IllegalArgumentException e) {
            stopQuietly();
            throw e;
        }
        int httpPort = -1;
        if (config.httpPort() >= 0) {
            try {
                http = new OpsHttp(config.httpBindAddress(), config.httpPort(), metrics, ws::draining, directory::ready);
            } catch (IOException e) {
                stopQuietly();
                throw new IOException("cannot listen on " + config.httpBindAddress() + ":" + config.httpPort()
                        + " for /healthz and /metrics: " + e.getMessage(), e);
            }
            http.start();
            httpPort = http.port();
        }
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "parley-scheduler");
            t.setDaemon(true);
            return t;
        });
        s.setRemoveOnCancelPolicy(true);
        scheduler = s;
        long tick = sweepTickMillis(config);
        scheduler.scheduleWithFixedDelay(this::sweep, tick, tick, TimeUnit.MILLISECONDS);
        ports = new BoundPorts(wsPort, httpPort);
        log.atInfo().addKeyValue("ws_port", ports.wsPort()).addKeyValue("http_port", ports.httpPort())
                .addKeyValue("tls", config.tls()).addKeyValue("public_hosts", String.join(",", ws.publicHosts()))
                .log("signaling server started");
        return ports;
    }

    /** Deadlines are checked this often: a quarter of the shortest one, between 10 and 250 ms. */
    static long sweepTickMillis(ServerConfig c) {
        long shortest = Math.min(c.authDeadline().toMillis(), c.idleTimeout().toMillis());
        if (!c.resumeGrace().isZero()) shortest = Math.min(shortest, c.resumeGrace().toMillis());
        return Math.max(10, Math.min(250, shortest / 4));
    }

    private void sweep() {
        try {
            ws.sweep();
        } catch (RuntimeException e) {
            log.atError().setCause(e).log("sweep failed");
        }
    }

    public synchronized BoundPorts ports() {
        if (ports == null) throw new IllegalStateException("not started");
        return ports;
    }

    public ServerConfig config() {
        return config;
    }

    /**
     * Graceful stop: /healthz turns 503 for the drain delay, every client gets {@code going-away} and a
     * 1001 close, the server waits up to the shutdown timeout for them to go, then stops listening.
     * Idempotent; safe from a shutdown hook.
     */
    @Override
    public void close() {
        Relay w;
        synchronized (this) {
            if (closed) return;
            closed = true;
            w = ws;
        }
        if (w == null) {
            terminated.countDown();
            return;
        }
        try {
            w.drainStart();
            log.atInfo().addKeyValue("clients", w.openSockets()).log("draining");
            pause(config.drainDelay());
            w.drain();
            long until = System.nanoTime() + config.shutdownTimeout().toNanos();
            while (w.openSockets() > 0 && System.nanoTime() < until) pause(Duration.ofMillis(20));
            stopQuietly();
            log.atInfo().addKeyValue("left", w.openSockets()).log("signaling server stopped");
        } finally {
            terminated.countDown();
        }
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    private void stopQuietly() {
        if (scheduler != null) scheduler.shutdownNow();
        if (transport != null) transport.shutdown();
        if (http != null) http.stop();
        directory.close();
    }

    private static void pause(Duration d) {
        if (d.isZero()) return;
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** This node's name in its cluster ("local" for a single server). */
    public String nodeId() {
        return directory.nodeId();
    }

    /** True unless this is a cluster node that cannot reach Redis now (what /ready says, draining aside). */
    public boolean clusterReady() {
        return directory.ready();
    }

    /** Counters as /metrics shows them; for tests and embedding. */
    public String metricsText() {
        return metrics.render();
    }
}
