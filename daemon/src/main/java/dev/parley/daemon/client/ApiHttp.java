package dev.parley.daemon.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.daemon.ApiJson;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Requests to the daemon's local API with its bearer token; API errors become the exceptions the
 * library throws for the same cause: 400 → {@link IllegalArgumentException}, 409 and the rest →
 * {@link IllegalStateException}, each with the daemon's message. 404 is {@link #NOT_FOUND} for
 * lookups that answer "none".
 */
final class ApiHttp {
    /** A lookup's "there is none" (HTTP 404). */
    static final JsonNode NOT_FOUND = ApiJson.object().put("notFound", true);
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final String token;
    private final HttpClient http;

    ApiHttp(URI base, String token) {
        this(base, token, null);
    }

    /**
     * {@code trusted}: for an {@code https} daemon, the certificate it serves (daemon.json says which),
     * the only one trusted; null: the system's CAs.
     */
    ApiHttp(URI base, String token, java.nio.file.Path trusted) {
        this.base = base;
        this.token = token;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1);
        if ("http".equals(base.getScheme())) b.sslContext(NoTls.CONTEXT);
        else if (trusted != null) b.sslContext(DaemonTrust.trusting(trusted));
        this.http = b.build();
    }

    /**
     * The daemon speaks plain HTTP on loopback, but an HTTP client without an SSL context of its own
     * builds the JDK's default one, reading and parsing the system's CA store: a tenth of a second of a
     * thin command's start (docs/benchmarks.md, daemon). This one trusts nothing, so it can never carry
     * a TLS connection by mistake.
     */
    private static final class NoTls {
        static final SSLContext CONTEXT = create();

        private static SSLContext create() {
            X509TrustManager none = new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                    throw new CertificateException("the daemon's API is plain HTTP on loopback");
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                    throw new CertificateException("the daemon's API is plain HTTP on loopback");
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            };
            try {
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(new KeyManager[0], new TrustManager[]{none}, null);
                return ctx;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("no TLS implementation in this JDK", e);
            }
        }
    }

    URI base() {
        return base;
    }

    String token() {
        return token;
    }

    HttpClient client() {
        return http;
    }

    static String seg(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    JsonNode get(String path) {
        return call("GET", path, null);
    }

    JsonNode post(String path, JsonNode body) {
        return call("POST", path, body == null ? ApiJson.object() : body);
    }

    JsonNode delete(String path) {
        return call("DELETE", path, null);
    }

    /** The call, waited for; interrupts and transport failures become IllegalStateException. */
    JsonNode call(String method, String path, JsonNode body) {
        try {
            return callAsync(method, path, body).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }

    CompletableFuture<JsonNode> callAsync(String method, String path, JsonNode body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token).header("Accept", "application/json");
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(ApiJson.write(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .handle((r, failure) -> {
                    if (failure != null) {
                        Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                        throw new IllegalStateException("the Parley daemon at " + base + " is not reachable ("
                                + (t instanceof IOException ? t.getClass().getSimpleName() : t.toString())
                                + "); is it still running? ('parley daemon --status')", t);
                    }
                    return answer(method, path, r);
                });
    }

    private static JsonNode answer(String method, String path, HttpResponse<String> r) {
        int status = r.statusCode();
        JsonNode body = r.body() == null || r.body().isBlank() ? ApiJson.object() : parseOrText(r.body());
        if (status >= 200 && status < 300) return body;
        if (status == 404 && body.path("error").path("code").asText("").equals("not_found")) return NOT_FOUND;
        String code = body.path("error").path("code").asText("http_" + status);
        String message = body.path("error").path("message").asText(r.body());
        if (status == 400 || status == 413) throw new IllegalArgumentException(message);
        throw new Refused(status, code, status == 409 ? message
                : "the daemon refused " + method + " " + path + ": " + message + " (" + status + " " + code + ")");
    }

    /** The daemon answered with an error other than 400/404: its status and machine-readable code. */
    static final class Refused extends IllegalStateException {
        final int status;
        final String code;

        Refused(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }

    private static JsonNode parseOrText(String s) {
        try {
            return ApiJson.parse(s);
        } catch (IllegalArgumentException e) {
            return ApiJson.object().set("error", ApiJson.object().put("code", "not_json").put("message", s));
        }
    }

    static Optional<JsonNode> found(JsonNode n) {
        return n == NOT_FOUND ? Optional.empty() : Optional.of(n);
    }
}
