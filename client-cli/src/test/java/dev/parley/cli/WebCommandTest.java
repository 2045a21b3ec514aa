package dev.parley.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code parley web --no-open --json} as a script runs it, in its own JVM: one line with the login URL,
 * serving until stopped; the link logs a browser in once; a second {@code parley web} on the profile
 * asks the running daemon for a new link and exits.
 */
@Tag("native")
class WebCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final LocalServer server = new LocalServer();

    @TempDir
    Path tmp;
    CliProcess web;

    @AfterEach
    void kill() {
        if (web != null) web.kill();
    }

    static HttpResponse<String> get(String u, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(u));
        if (cookie != null) b.header("Cookie", cookie);
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString()); // no redirects followed
    }

    @Test
    void printsOneLoginUrlKeepsServingAndASecondCallUsesTheRunningDaemon() throws Exception {
        Path profile = tmp.resolve("p");
        web = CliProcess.start(CliProcess.as(profile, server.url(), "web", "--no-open", "--json"));
        JsonNode line = JSON.readTree(web.awaitLine(l -> l.startsWith("{"), 60));
        assertThat(line.size()).isEqualTo(1);
        String login = line.get("url").asText();
        assertThat(login).matches("http://127\\.0\\.0\\.1:\\d+/login\\?t=[A-Za-z0-9_-]{43}");
        String base = login.substring(0, login.indexOf("/login"));

        HttpResponse<String> first = get(login, null);
        assertThat(first.statusCode()).isEqualTo(303);
        assertThat(first.headers().firstValue("location")).hasValue("/app/");
        String cookie = first.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
        assertThat(get(base + "/app/", cookie).body()).contains("<title>Parley</title>");
        assertThat(get(login, null).statusCode()).as("used once").isEqualTo(401);
        assertThat(get(base + "/app/", null).body()).contains("parley web");

        CliProcess again = CliProcess.run(60, CliProcess.as(profile, server.url(), "web", "--no-open", "--json"));
        assertThat(again.exitCode()).as(again.toString()).isZero();
        String second = JSON.readTree(again.out().get(0)).get("url").asText();
        assertThat(second).startsWith(base + "/login?t=").isNotEqualTo(login);
        assertThat(get(second, null).statusCode()).isEqualTo(303);
        assertThat(web.isAlive()).as("still serving").isTrue();

        CliProcess stop = CliProcess.run(60, "--profile", profile.toString(), "daemon", "--stop");
        assertThat(stop.exitCode()).as(stop.toString()).isZero();
        assertThat(web.awaitExit(20)).isZero();
    }
}
