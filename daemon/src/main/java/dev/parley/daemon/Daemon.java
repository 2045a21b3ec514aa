package dev.parley.daemon;

import dev.parley.client.ParleyClient;
import dev.parley.daemon.http.ApiServer;
import dev.parley.daemon.http.Router;
import dev.parley.daemon.routes.CallRoutes;
import dev.parley.daemon.routes.ContactRoutes;
import dev.parley.daemon.routes.FileRoutes;
import dev.parley.daemon.routes.GroupCallRoutes;
import dev.parley.daemon.routes.GroupRoutes;
import dev.parley.daemon.routes.MessageRoutes;
import dev.parley.daemon.routes.StateRoutes;
import lombok.extern.slf4j.Slf4j;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One profile's local API (docs/api.md) over an opened {@link ParleyClient}, whose listener is the
 * {@link DaemonEvents} given here (the daemon is the app). The daemon owns the client from then on:
 * {@link #close()} stops serving, closes the client (its cursor is written) and then the connections.
 *
 * <pre>{@code
 * DaemonEvents events = new DaemonEvents();
 * ParleyClient client = ParleyClient.open(config, events);
 * client.start();
 * Daemon d = Daemon.start(client, events, ApiToken.loadOrCreate(profile), DaemonConfig.loopback(0));
 * d.shutdownRequested().join(); // POST /v1/shutdown
 * d.close();
 * }</pre>
 */
@Slf4j
public final class Daemon implements AutoCloseable {
    private final ParleyClient client;
    private final DaemonEvents events;
    private final ApiServer server;
    private final URI url;
    private final CompletableFuture<Void> shutdown = new CompletableFuture<>();
    private volatile boolean closed;

    private Daemon(ParleyClient client, DaemonEvents events, ApiServer server, URI url) {
        this.client = client;
        this.events = events;
        this.server = server;
        this.url = url;
    }

    /**
     * Serves the API. Refuses a non-loopback address: with {@code allowNonLoopback} it would need TLS,
     * which is not implemented yet, so it is refused too (with what to do instead).
     *
     * @throws IOException if the address cannot be bound (port in use: the message says so)
     */
    public static Daemon start(ParleyClient client, DaemonEvents events, ApiToken token, DaemonConfig config) throws IOException {
        InetAddress address;
        try {
            address = InetAddress.getByName(config.bindAddress());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot bind the API to '" + config.bindAddress() + "': unknown address");
        }
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException(config.allowNonLoopback()
                    ? "refusing to serve the API on " + address.getHostAddress() + ": a non-loopback address needs TLS, which this version "
                    + "does not offer yet; keep it on 127.0.0.1 and reach it through an SSH tunnel (ssh -L)"
                    : "refusing to serve the API on " + address.getHostAddress() + ": it would be reachable from the network; "
                    + "the API serves 127.0.0.1 only (non-loopback needs an explicit flag and TLS)");
        }
        Daemon[] self = new Daemon[1];
        Router router = new Router();
        ApiContext ctx = new ApiContext(client, events, config.version(), () -> self[0].shutdown.complete(null));
        StateRoutes.register(router, ctx);
        ContactRoutes.register(router, ctx);
        MessageRoutes.register(router, ctx);
        FileRoutes.register(router, ctx);
        CallRoutes.register(router, ctx);
        GroupRoutes.register(router, ctx);
        GroupCallRoutes.register(router, ctx);
        ApiServer server;
        try {
            server = new ApiServer(address, config.port(), token, router, events.log(), config.maxBodyBytes(), config.eventQueue(),
                    config.apiThreads(), events::receivedFile, client.config().profileDir().resolve("uploads"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding the API");
        } catch (Exception e) { // Netty throws the bind's IOException unchecked
            if (e instanceof java.net.BindException || e.getCause() instanceof java.net.BindException) {
                throw new IOException("port " + config.port() + " on " + address.getHostAddress()
                        + " is in use (another daemon?); pick another with --port, or 0 for any free port", e);
            }
            if (e instanceof RuntimeException r) throw r;
            throw new IOException("cannot serve the API on " + address.getHostAddress() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        String host = address.getHostAddress().contains(":") ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
        if (host.equals("[0:0:0:0:0:0:0:1]")) host = "[::1]";
        URI url = URI.create("http://" + host + ":" + server.port());
        self[0] = new Daemon(client, events, server, url);
        log.info("API serving on {} (epoch {})", url, events.log().epoch());
        return self[0];
    }

    /** {@code http://127.0.0.1:PORT}. */
    public URI url() {
        return url;
    }

    /** A new one-time login link for the web interface ({@code parley web}, docs/web.md). */
    public String loginLink() {
        return server.newLoginLink();
    }

    public int port() {
        return server.port();
    }

    public String epoch() {
        return events.log().epoch();
    }

    public EventLog events() {
        return events.log();
    }

    public ParleyClient client() {
        return client;
    }

    /** Completes when an API client asked the daemon to stop ({@code POST /v1/shutdown}). */
    public CompletableFuture<Void> shutdownRequested() {
        return shutdown;
    }

    /** Stops serving (503 from now on), closes the client so its last events reach the streams, then every connection. Idempotent. */
    @Override
    public synchronized void close() { // a second caller (a signal during a requested shutdown) waits until it is done
        if (closed) return;
        closed = true;
        server.beginClosing();
        try {
            client.close();
            if (!events.awaitClosed(Duration.ofSeconds(10))) log.warn("the client did not report closed within 10 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("closing the client failed", e);
        }
        server.close();
        shutdown.complete(null);
        log.info("API on {} closed", url);
    }
}
