package dev.parley.daemon;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The JDK's HttpClient as an API client: one keep-alive connection pool, the token on every request unless told otherwise. */
final class Api {
    record Reply(int status, JsonNode body, HttpResponse<String> raw) {
        String code() {
            return body.path("error").path("code").asText(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    final URI base;
    final String token;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Api(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    Reply get(String path) throws IOException, InterruptedException {
        return send(req(path).GET().build());
    }

    Reply post(String path, String json) throws IOException, InterruptedException {
        return send(req(path).POST(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json").build());
    }

    Reply delete(String path) throws IOException, InterruptedException {
        return send(req(path).DELETE().build());
    }

    HttpRequest.Builder req(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(40));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return b;
    }

    Reply send(HttpRequest r) throws IOException, InterruptedException {
        HttpResponse<String> res = http.send(r, HttpResponse.BodyHandlers.ofString());
        JsonNode body = res.body().isEmpty() ? ApiJson.object() : ApiJson.parse(res.body());
        return new Reply(res.statusCode(), body, res);
    }

    Api withToken(String other) {
        return new Api(base, other);
    }

    /** A request written by hand on a socket (the JDK client will not send a foreign Host): the status line and body. */
    static String raw(URI base, String request) throws IOException {
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
