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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code parley daemon} as a script runs it, in its own JVM against a real signaling server: the ready
 * line, daemon.json and the token file, the contract call {@code GET /v1/contacts}, {@code --status},
 * {@code --stop}, and a clean exit on SIGTERM.
 */
@Tag("native")
class DaemonCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final LocalServer server = new LocalServer();

    @TempDir
    Path tmp;
    CliProcess daemon;

    @AfterEach
    void kill() {
        if (daemon != null) daemon.kill();
    }

    private String[] as(Path profile, String... args) {
        return CliProcess.as(profile, server.url(), args);
    }

    JsonNode startDaemon(Path profile) throws Exception {
        daemon = CliProcess.start(as(profile, "daemon", "--json"));
        String line = daemon.awaitLine(l -> l.startsWith("{"), 60);
        JsonNode ready = JSON.readTree(line);
        assertThat(ready.get("event").asText()).isEqualTo("ready");
        assertThat(ready.get("url").asText()).matches("http://127\\.0\\.0\\.1:\\d+");
        assertThat(ready.get("pid").asLong()).isPositive();
        assertThat(ready.size()).isEqualTo(3);
        return ready;
    }

    @Test
    void theDaemonServesTheContractAndStopsOnRequest() throws Exception {
        Path profile = tmp.resolve("p");
        JsonNode ready = startDaemon(profile);
        long pid = ready.get("pid").asLong();
        Path file = profile.resolve("daemon.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        JsonNode info = JSON.readTree(Files.readString(file));
        assertThat(info.get("pid").asLong()).isEqualTo(pid);
        assertThat(info.get("url").asText()).isEqualTo(ready.get("url").asText());
        assertThat(info.get("epoch").asText()).isNotEmpty();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(profile.resolve("api-token")))).isEqualTo("rw-------");
        String token = Files.readString(profile.resolve("api-token")).trim();

        HttpResponse<String> contacts = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(ready.get("url").asText() + "/v1/contacts"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(contacts.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(contacts.body()).isArray()).isTrue();

        CliProcess second = CliProcess.run(60, as(profile, "daemon"));
        assertThat(second.exitCode()).as(second.toString()).isEqualTo(ExitCodes.CONFIG);
        assertThat(String.join("\n", second.err())).contains("already serves").contains("pid " + pid);

        CliProcess status = CliProcess.run(30, as(profile, "daemon", "--status", "--json"));
        assertThat(status.exitCode()).as(status.toString()).isZero();
        JsonNode s = JSON.readTree(status.out().get(0));
        assertThat(s.get("running").asBoolean()).isTrue();
        assertThat(s.get("pid").asLong()).isEqualTo(pid);

        CliProcess stop = CliProcess.run(60, as(profile, "daemon", "--stop"));
        assertThat(stop.exitCode()).as(stop.toString()).isZero();
        assertThat(daemon.awaitExit(10)).isZero();
        assertThat(daemon.out()).last().asString().contains("\"event\":\"stopped\"");
        assertThat(file).doesNotExist();
        assertThat(String.join("\n", Files.readAllLines(profile.resolve("parley.log")))).contains("API serving on");

        CliProcess after = CliProcess.run(30, as(profile, "daemon", "--status"));
        assertThat(after.exitCode()).isEqualTo(1);
        assertThat(after.out()).singleElement().asString().startsWith("No daemon serves");
    }

    @Test
    void aNonLoopbackAddressIsRefusedWithoutTheFlagAndWithoutTls() throws Exception {
        Path profile = tmp.resolve("p");
        CliProcess open = CliProcess.run(60, as(profile, "daemon", "--bind", "0.0.0.0"));
        assertThat(open.exitCode()).as(open.toString()).isEqualTo(ExitCodes.CONFIG);
        assertThat(String.join("\n", open.err())).contains("reachable from the network");
        CliProcess asked = CliProcess.run(60, as(profile, "daemon", "--bind", "0.0.0.0", "--allow-remote"));
        assertThat(asked.exitCode()).as(asked.toString()).isEqualTo(ExitCodes.CONFIG);
        assertThat(String.join("\n", asked.err())).contains("needs TLS").contains("--tls-cert");
        assertThat(profile.resolve("daemon.json")).doesNotExist();
    }

    @Test
    void sigtermClosesTheDaemonCleanly() throws Exception {
        Path profile = tmp.resolve("p");
        JsonNode ready = startDaemon(profile);
        ProcessHandle p = ProcessHandle.of(ready.get("pid").asLong()).orElseThrow();
        assertThat(p.destroy()).isTrue(); // SIGTERM
        daemon.awaitExitQuietly(20);
        assertThat(p.isAlive()).isFalse();
        assertThat(profile.resolve("daemon.json")).doesNotExist();
        assertThat(String.join("\n", Files.readAllLines(profile.resolve("parley.log")))).contains("closed");
    }
}
