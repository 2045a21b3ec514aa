package dev.parley.daemon;

import dev.parley.client.ParleyClient;
import dev.parley.daemon.http.ApiServer;
import dev.parley.daemon.http.Router;
import dev.parley.daemon.http.ServerTls;
import dev.parley.daemon.routes.CallRoutes;
import dev.parley.daemon.routes.ContactRoutes;
import dev.parley.daemon.routes.FileRoutes;
import dev.parley.daemon.routes.GroupCallRoutes;
import dev.parley.daemon.routes.GroupFileRoutes;
import dev.parley.daemon.routes.GroupRoutes;
import dev.parley.daemon.routes.MessageRoutes;
import dev.parley.daemon.routes.StateRoutes;
import lombok.extern.slf4j.Slf4j;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
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
    private final ServerTls tls;
    private volatile boolean closed;

    /** The API's UNIX socket in the profile (docs/api.md § UNIX socket). */
    public static final String SOCKET = "api.sock";

    private Daemon(ParleyClient client, DaemonEvents events, ApiServer server, URI url, ServerTls tls) {
        this.tls = tls;
        this.client = client;
        this.events = events;
        this.server = server;
        this.url = url;
    }

    /**
     * Serves the API on the configured address, and on {@code <profile>/api.sock}. A non-loopback address
     * needs {@code allowNonLoopback} and TLS; refused otherwise, with what to do instead.
     *
     * @throws IOException if the address cannot be bound (port in use: the message says so)
     * @throws IllegalArgumentException for an address that may not be served, or unusable TLS files
     */
    public static Daemon start(ParleyClient client, DaemonEvents events, ApiToken token, DaemonConfig config) throws IOException {
        InetAddress address;
        try {
            address = InetAddress.getByName(config.bindAddress());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot bind the API to '" + config.bindAddress() + "': unknown address");
        }
        boolean loopback = address.isLoopbackAddress();
        if (!loopback && !config.allowNonLoopback()) {
            throw new IllegalArgumentException("refusing to serve the API on " + address.getHostAddress() + ": it would be reachable from the network; "
                    + "the API serves 127.0.0.1 unless asked with --allow-remote, and then only over TLS (--tls-cert, --tls-key)");
        }
        if (!loopback && config.tlsCertificate() == null) {
            throw new IllegalArgumentException("refusing to serve the API on " + address.getHostAddress() + ": a non-loopback address needs TLS: give --tls-cert FILE "
                    + "--tls-key FILE (PEM), or keep it on 127.0.0.1 and reach it through an SSH tunnel (ssh -L)");
        }
        ServerTls tls = config.tlsCertificate() == null ? null : ServerTls.load(config.tlsCertificate(), config.tlsKey());
        String literal = address.getHostAddress();
        if (literal.equals("0:0:0:0:0:0:0:1")) literal = "::1";
        List<String> names = new ArrayList<>();
        names.add(literal);
        if (loopback) names.addAll(List.of("127.0.0.1", "localhost", "::1"));
        if (tls != null) names.addAll(tls.names());
        names = List.copyOf(new LinkedHashSet<>(names));
        Daemon[] self = new Daemon[1];
        Router router = new Router();
        ApiContext ctx = new ApiContext(client, events, config.version(), () -> self[0].shutdown.complete(null));
        StateRoutes.register(router, ctx);
        ContactRoutes.register(router, ctx);
        MessageRoutes.register(router, ctx);
        FileRoutes.register(router, ctx);
        CallRoutes.register(router, ctx);
        GroupRoutes.register(router, ctx);
        GroupFileRoutes.register(router, ctx);
        GroupCallRoutes.register(router, ctx);
        ApiServer server;
        try {
            server = new ApiServer(address, config.port(), tls, names, config.unixSocket() ? client.config().profileDir().resolve(SOCKET) : null,
                    token, router, events.log(), config.maxBodyBytes(), config.eventQueue(), config.apiThreads(), events::receivedFile,
                    client.config().profileDir().resolve("uploads"));
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
        String host = literal.contains(":") ? "[" + literal + "]" : literal;
        URI url = URI.create((tls != null ? "https://" : "http://") + host + ":" + server.port());
        // Once served (a refused start adds no listener): group-file events are of the moment, not stored by the library.
        client.addGroupFileListener(e -> events.log().append(GroupFileJson.event(e)));
        self[0] = new Daemon(client, events, server, url, tls);
        log.info("API serving on {}{} (epoch {})", url, server.socket().map(p -> " and " + p).orElse(""), events.log().epoch());
        return self[0];
    }

    /** {@code http://127.0.0.1:PORT}, or {@code https://ADDRESS:PORT} with TLS. */
    public URI url() {
        return url;
    }

    /** The UNIX socket the API is served on too, if there is one. */
    public Optional<Path> socket() {
        return server.socket();
    }

    /** The certificate served with TLS, if any (absolute). */
    public Optional<Path> tlsCertificate() {
        return Optional.ofNullable(tls).map(ServerTls::certificate);
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
