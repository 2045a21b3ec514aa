package dev.parley.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Token, Host and Origin checks, the error shape, body limits and the bind refusal, against a real daemon. */
class ApiSecurityTest {
    @TempDir
    Path dir;
    DaemonFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new DaemonFixture(dir);
        f.startDaemon();
    }

    @AfterEach
    void stop() {
        if (f != null) f.close();
    }

    @Test
    void theTokenFileIsOwnerOnlyAndReusedAndEveryRequestWithoutItIs401() throws Exception {
        Path file = f.profile("daemon").resolve(ApiToken.FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file).trim()).isEqualTo(f.token.value()).hasSize(43);
        assertThat(ApiToken.loadOrCreate(f.profile("daemon")).value()).isEqualTo(f.token.value());

        for (String path : new String[]{"/v1/contacts", "/v1/check", "/v1/no-such-thing"}) {
            Api.Reply none = f.api.withToken(null).get(path);
            assertThat(none.status()).as(path).isEqualTo(401);
            assertThat(none.code()).isEqualTo("unauthorized");
            assertThat(none.raw().headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"parley\"");
            Api.Reply wrong = f.api.withToken(f.token.value().substring(1) + "A").get(path);
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.code()).isEqualTo("unauthorized");
        }
        Api.Reply ok = f.api.get("/v1/check");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body().get("ok").asBoolean()).isTrue();
        assertThat(ok.body().get("peerId").asText()).isEqualTo(f.daemon.client().peerId().value());
        assertThat(ok.body().get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(ok.body().get("epoch").asText()).isEqualTo(f.daemon.epoch());
    }

    @Test
    void aTokenFileOthersCanReadIsRefused() throws Exception {
        Path file = f.profile("daemon").resolve(ApiToken.FILE);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> ApiToken.loadOrCreate(f.profile("daemon"))).hasMessageContaining("can be read by other users")
                .hasMessageContaining("chmod 600");
    }

    @Test
    void aForeignOriginIs403AndTheDaemonsOwnOriginIsServed() throws Exception {
        Api.Reply evil = f.api.send(f.api.req("/v1/contacts").header("Origin", "https://evil.example").GET().build());
        assertThat(evil.status()).isEqualTo(403);
        assertThat(evil.code()).isEqualTo("forbidden_origin");
        Api.Reply nul = f.api.send(f.api.req("/v1/contacts").header("Origin", "null").GET().build());
        assertThat(nul.status()).isEqualTo(403);
        Api.Reply own = f.api.send(f.api.req("/v1/contacts").header("Origin", "http://127.0.0.1:" + f.daemon.port()).GET().build());
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.body().isArray()).isTrue();
    }

    @Test
    void aHostThatIsNotTheDaemonIsRefusedEvenWithTheToken() throws Exception {
        int port = f.daemon.port();
        String rebinding = Api.raw(f.daemon.url(), "GET /v1/contacts HTTP/1.1\r\nHost: evil.example:" + port
                + "\r\nAuthorization: Bearer " + f.token.value() + "\r\nConnection: close\r\n\r\n");
        assertThat(rebinding).startsWith("HTTP/1.1 421").contains("\"code\":\"forbidden_host\"");
        String otherPort = Api.raw(f.daemon.url(), "GET /v1/contacts HTTP/1.1\r\nHost: 127.0.0.1:" + (port + 1)
                + "\r\nAuthorization: Bearer " + f.token.value() + "\r\nConnection: close\r\n\r\n");
        assertThat(otherPort).startsWith("HTTP/1.1 421");
        String noHost = Api.raw(f.daemon.url(), "GET /v1/contacts HTTP/1.0\r\nAuthorization: Bearer " + f.token.value() + "\r\n\r\n");
        assertThat(noHost).startsWith("HTTP/1.1 421");
        String localhost = Api.raw(f.daemon.url(), "GET /v1/contacts HTTP/1.1\r\nHost: localhost:" + port
                + "\r\nAuthorization: Bearer " + f.token.value() + "\r\nConnection: close\r\n\r\n");
        assertThat(localhost).startsWith("HTTP/1.1 200").endsWith("[]");
    }

    @Test
    void oneConnectionServesRequestAfterRequest() throws Exception {
        String req = "GET /v1/check HTTP/1.1\r\nHost: 127.0.0.1:" + f.daemon.port() + "\r\nAuthorization: Bearer " + f.token.value() + "\r\n";
        String both = Api.raw(f.daemon.url(), req + "\r\n" + req + "Connection: close\r\n\r\n");
        assertThat(both.split("HTTP/1.1 200 OK", -1)).as(both).hasSize(3);
        assertThat(both).containsOnlyOnce("connection: close");
    }

    @Test
    void errorsAreJsonWithAStatusAndACode() throws Exception {
        Api.Reply malformed = f.api.post("/v1/contacts", "{\"contact\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.code()).isEqualTo("bad_request");
        assertThat(malformed.body().at("/error/message").asText()).startsWith("malformed JSON");
        Api.Reply notObject = f.api.post("/v1/contacts", "[1,2]");
        assertThat(notObject.status()).isEqualTo(400);
        Api.Reply missing = f.api.post("/v1/contacts", "{}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body().at("/error/message").asText()).isEqualTo("missing field 'contact'");
        Api.Reply badPeer = f.api.get("/v1/contacts/not-a-peer");
        assertThat(badPeer.status()).isEqualTo(400);
        assertThat(badPeer.code()).isEqualTo("bad_request");
        Api.Reply unknownRoute = f.api.get("/v1/nothing/here");
        assertThat(unknownRoute.status()).isEqualTo(404);
        assertThat(unknownRoute.code()).isEqualTo("not_found");
        Api.Reply method = f.api.delete("/v1/check");
        assertThat(method.status()).isEqualTo(405);
        assertThat(method.code()).isEqualTo("method_not_allowed");
        Api.Reply huge = f.api.post("/v1/contacts", "{\"contact\":\"" + "x".repeat(2 << 20) + "\"}");
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.code()).isEqualTo("too_large");
        Api.Reply events = f.api.get("/v1/events");
        assertThat(events.status()).isEqualTo(400);
        assertThat(events.body().at("/error/message").asText()).contains("WebSocket");
        // the connection pool survives all of it
        assertThat(f.api.get("/v1/check").status()).isEqualTo(200);
    }

    @Test
    void theEventsWebSocketNeedsTheTokenInAHeaderOrAsSubprotocolAndItsOwnOrigin() throws Exception {
        URI ws = WsEvents.wsUri(f.daemon.url(), "");
        HttpClient http = HttpClient.newHttpClient();
        assertThatThrownBy(() -> http.newWebSocketBuilder().buildAsync(ws, new WebSocket.Listener() { }).get())
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(401));
        assertThatThrownBy(() -> http.newWebSocketBuilder().header("Authorization", "Bearer " + f.token.value())
                .header("Origin", "https://evil.example").buildAsync(ws, new WebSocket.Listener() { }).get())
                .cause().isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(403));
        assertThatThrownBy(() -> http.newWebSocketBuilder().subprotocols("bearer.wrong").buildAsync(ws, new WebSocket.Listener() { }).get())
                .cause().isInstanceOf(WebSocketHandshakeException.class);

        WsEvents l = new WsEvents("subprotocol", true);
        l.ignoring("server", "presence", "session");
        WebSocket s = http.newWebSocketBuilder().subprotocols("bearer." + f.token.value())
                .header("Origin", "http://localhost:" + f.daemon.port()).buildAsync(ws, l).get();
        assertThat(s.getSubprotocol()).isEqualTo("bearer." + f.token.value());
        f.api.post("/v1/contacts", "{\"contact\":\"" + f.peer("bob", false).client.contactString("bob") + "\"}");
        JsonNode contact = l.expect("contact");
        assertThat(contact.at("/contact/name").asText()).isEqualTo("bob");
        s.sendClose(WebSocket.NORMAL_CLOSURE, "done").get();
    }

    @Test
    void aNonLoopbackAddressIsRefusedWithOrWithoutTheFlag() {
        DaemonConfig c = DaemonConfig.loopback(0).withBind("0.0.0.0", false);
        assertThatThrownBy(() -> Daemon.start(f.daemon.client(), f.events, f.token, c))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reachable from the network");
        assertThatThrownBy(() -> Daemon.start(f.daemon.client(), f.events, f.token, c.withBind("0.0.0.0", true)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs TLS");
    }

    @Test
    void aPortInUseIsRefusedWithWhatToDo() {
        DaemonConfig c = DaemonConfig.loopback(f.daemon.port());
        assertThatThrownBy(() -> Daemon.start(f.daemon.client(), f.events, f.token, c))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("is in use").hasMessageContaining("--port");
    }

    @Test
    void afterShutdownIsRequestedTheDaemonAnswers503AndThenCloses() throws Exception {
        WsEvents ws = WsEvents.open(f.daemon.url(), f.token.value(), "", "server", "presence", "session");
        Api.Reply r = f.api.post("/v1/shutdown", "");
        assertThat(r.status()).isEqualTo(202);
        assertThat(f.daemon.shutdownRequested()).succeedsWithin(java.time.Duration.ofSeconds(5));
        f.daemon.close();
        ws.expect("closed");
        JsonNode close = ws.expect("ws-closed");
        assertThat(close.get("code").asInt()).isEqualTo(1001);
        assertThat(close.get("reason").asText()).isEqualTo("daemon shutting down");
        ws.rec.assertExhausted();
        assertThatThrownBy(() -> f.api.http.send(HttpRequest.newBuilder(f.daemon.url().resolve("/v1/check")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.io.IOException.class);
    }
}
