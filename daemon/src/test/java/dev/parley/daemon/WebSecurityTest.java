package dev.parley.daemon;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web interface's login and the cookie's limits against a real daemon (docs/web.md § Security): a
 * login link works once and only with the API token behind it; the session cookie is HttpOnly,
 * SameSite=Strict; a cookie-authenticated request that changes state must carry the daemon's Origin;
 * the Host check still applies; without a session the pages answer 401 with a human message.
 */
class WebSecurityTest {
    @TempDir
    Path dir;
    DaemonFixture f;
    String host;

    @BeforeEach
    void start() throws Exception {
        f = new DaemonFixture(dir);
        f.startDaemon();
        host = "127.0.0.1:" + f.daemon.port();
    }

    @AfterEach
    void stop() {
        if (f != null) f.close();
    }

    String http(String method, String path, String... headers) throws Exception {
        StringBuilder b = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n");
        String body = null;
        for (String h : headers) {
            if (h.startsWith("body:")) body = h.substring(5);
            else b.append(h).append("\r\n");
        }
        if (body != null) b.append("Content-Type: application/json\r\nContent-Length: ").append(body.getBytes().length).append("\r\n");
        b.append("\r\n");
        if (body != null) b.append(body);
        return Api.raw(f.daemon.url(), b.toString());
    }

    static String status(String response) {
        return response.substring(0, response.indexOf("\r\n"));
    }

    String login() throws Exception {
        String link = f.daemon.loginLink();
        assertThat(link).matches("http://127\\.0\\.0\\.1:" + f.daemon.port() + "/login\\?t=[A-Za-z0-9_-]{43}");
        String r = http("GET", link.substring(link.indexOf("/login")));
        assertThat(status(r)).isEqualTo("HTTP/1.1 303 See Other");
        assertThat(r).contains("location: /app/");
        Matcher m = Pattern.compile("(?i:set-cookie): (parley_" + f.daemon.port() + "=[A-Za-z0-9_-]{43}); Path=/; HttpOnly; SameSite=Strict\r\n").matcher(r);
        assertThat(m.find()).as(r).isTrue();
        assertThat(status(http("GET", link.substring(link.indexOf("/login"))))).as("the link is consumed").isEqualTo("HTTP/1.1 401 Unauthorized");
        return "Cookie: " + m.group(1);
    }

    @Test
    void withoutASessionThePagesRefuseWithAHumanMessage() throws Exception {
        String page = http("GET", "/app/");
        assertThat(status(page)).isEqualTo("HTTP/1.1 401 Unauthorized");
        assertThat(page).contains("content-type: text/html").contains("Parley needs you to log in").contains("parley web");
        assertThat(status(http("GET", "/app/app.js"))).isEqualTo("HTTP/1.1 401 Unauthorized");
        assertThat(status(http("GET", "/login?t=" + "A".repeat(43)))).isEqualTo("HTTP/1.1 401 Unauthorized");
        assertThat(status(http("GET", "/v1/web/qr?text=x"))).isEqualTo("HTTP/1.1 401 Unauthorized");
        assertThat(status(http("GET", "/v1/contacts", "Cookie: parley_" + f.daemon.port() + "=" + "B".repeat(43)))).isEqualTo("HTTP/1.1 401 Unauthorized");
    }

    @Test
    void theCookieOpensTheAppAndTheApiButStateChangesNeedTheDaemonsOrigin() throws Exception {
        String cookie = login();
        String app = http("GET", "/app/", cookie);
        assertThat(status(app)).isEqualTo("HTTP/1.1 200 OK");
        assertThat(app.toLowerCase()).contains("content-security-policy: default-src 'self'").contains("x-frame-options: deny").contains("<title>parley</title>");
        assertThat(http("GET", "/app/app.js", cookie)).contains("content-type: text/javascript");
        assertThat(status(http("GET", "/app/../pom.xml", cookie))).isEqualTo("HTTP/1.1 404 Not Found");
        assertThat(status(http("GET", "/v1/contacts", cookie))).isEqualTo("HTTP/1.1 200 OK");
        String origin = "Origin: http://" + host;
        String noOrigin = http("POST", "/v1/contacts", cookie, "body:{\"contact\":\"nonsense\"}");
        assertThat(status(noOrigin)).isEqualTo("HTTP/1.1 403 Forbidden");
        assertThat(noOrigin).contains("\"code\":\"forbidden_origin\"");
        assertThat(status(http("POST", "/v1/contacts", cookie, "Origin: http://evil.example", "body:{\"contact\":\"nonsense\"}")))
                .isEqualTo("HTTP/1.1 403 Forbidden");
        assertThat(status(http("POST", "/v1/contacts", cookie, origin, "body:{\"contact\":\"nonsense\"}")))
                .as("past the checks: the contact string is what is wrong").isEqualTo("HTTP/1.1 400 Bad Request");
        assertThat(status(http("POST", "/v1/web/login-link", cookie, origin))).as("login links need the token").isEqualTo("HTTP/1.1 403 Forbidden");
        assertThat(status(http("POST", "/v1/web/login-link", "Authorization: Bearer " + f.token.value()))).isEqualTo("HTTP/1.1 200 OK");
        assertThat(status(http("GET", "/v1/events", cookie, "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="))).as("a cookie WebSocket without Origin").isEqualTo("HTTP/1.1 403 Forbidden");
        String rebinding = Api.raw(f.daemon.url(), "GET /app/ HTTP/1.1\r\nHost: evil.example:" + f.daemon.port() + "\r\n" + cookie + "\r\nConnection: close\r\n\r\n");
        assertThat(status(rebinding)).isEqualTo("HTTP/1.1 421 Misdirected Request");
        String qr = http("GET", "/v1/web/qr?text=parley:abc", cookie);
        assertThat(qr).contains("content-type: image/svg+xml").contains("<svg").contains("<path fill=\"#000\" d=\"M");

        // An upload in two chunks lands in <profile>/uploads/<id>/<name>; a wrong offset is refused.
        String first = http("POST", "/v1/web/uploads?name=a%2Fb.txt&offset=0", cookie, origin, "body:hello ");
        assertThat(status(first)).isEqualTo("HTTP/1.1 200 OK");
        String id = first.replaceAll("(?s).*\"id\":\"([0-9a-f-]{36})\".*", "$1");
        assertThat(status(http("POST", "/v1/web/uploads?name=a%2Fb.txt&offset=3&id=" + id, cookie, origin, "body:x"))).isEqualTo("HTTP/1.1 409 Conflict");
        assertThat(http("POST", "/v1/web/uploads?name=a%2Fb.txt&offset=6&id=" + id, cookie, origin, "body:world")).contains("\"size\":11");
        assertThat(Files.readString(dir.resolve("daemon/uploads/" + id + "/a_b.txt"))).isEqualTo("hello world");
        assertThat(status(http("POST", "/logout", cookie, origin))).isEqualTo("HTTP/1.1 200 OK");
        assertThat(status(http("GET", "/v1/contacts", cookie))).as("logged out").isEqualTo("HTTP/1.1 401 Unauthorized");
    }
}
