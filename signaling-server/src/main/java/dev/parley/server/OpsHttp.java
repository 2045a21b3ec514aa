package dev.parley.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import lombok.extern.slf4j.Slf4j;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The operator's HTTP endpoint (JDK HttpServer, one thread): {@code /healthz} answers 200, or 503 while
 * draining; {@code /metrics} is the Prometheus text format. Binds loopback unless configured otherwise.
 */
@Slf4j
final class OpsHttp {
    private final HttpServer http;
    private final ExecutorService executor;

    OpsHttp(String bind, int port, Metrics metrics, BooleanSupplier draining) throws IOException {
        http = HttpServer.create(new InetSocketAddress(bind, port), 16);
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "parley-ops-http");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(executor);
        http.createContext("/healthz", ex -> {
            boolean d = draining.getAsBoolean();
            reply(ex, d ? 503 : 200, "text/plain; charset=utf-8", d ? "draining\n" : "ok\n");
        });
        http.createContext("/metrics", ex -> reply(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.render()));
        http.createContext("/", ex -> reply(ex, 404, "text/plain; charset=utf-8", "try /healthz or /metrics\n"));
    }

    void start() {
        http.start();
    }

    int port() {
        return http.getAddress().getPort();
    }

    void stop() {
        http.stop(0);
        executor.shutdownNow();
    }

    private static void reply(HttpExchange ex, int status, String type, String body) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", type);
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = "HEAD".equals(ex.getRequestMethod());
            ex.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }
}
