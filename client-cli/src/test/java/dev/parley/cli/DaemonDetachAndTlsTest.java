package dev.parley.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.testing.LocalMachine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code parley daemon --detach} (a real background daemon, found again by {@code --status}, reached over
 * its UNIX socket, stopped by {@code --stop}; a daemon that fails before serving shows why) and
 * {@code parley daemon} on the machine's own address over HTTPS.
 */
@Tag("native")
class DaemonDetachAndTlsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final LocalServer server = new LocalServer();

    @TempDir
    Path tmp;
    final List<Long> started = new ArrayList<>();
    CliProcess foreground;

    @AfterEach
    void killWhatWeStarted() {
        for (long pid : started) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        if (foreground != null) foreground.kill();
    }

    private String[] as(Path profile, String... args) {
        return CliProcess.as(profile, server.url(), args);
    }

    @Test
    void aDetachedDaemonKeepsServingAfterTheCommandExitsAndStopsOnRequest() throws Exception {
        Path profile = tmp.resolve("p");
        CliProcess detach = CliProcess.run(120, as(profile, "daemon", "--detach", "--json"));
        assertThat(detach.exitCode()).as(detach.toString()).isZero();
        JsonNode ready = JSON.readTree(detach.out().get(0));
        long pid = ready.get("pid").asLong();
        started.add(pid);
        assertThat(detach.out()).hasSize(1);
        assertThat(ready.get("event").asText()).isEqualTo("ready");
        assertThat(ready.get("url").asText()).matches("http://127\\.0\\.0\\.1:\\d+");
        assertThat(ready.size()).isEqualTo(3);
        ProcessHandle daemon = ProcessHandle.of(pid).orElseThrow();
        assertThat(daemon.isAlive()).isTrue();

        JsonNode info = JSON.readTree(Files.readString(profile.resolve("daemon.json")));
        assertThat(info.get("pid").asLong()).isEqualTo(pid);
        Path socket = profile.resolve("api.sock");
        assertThat(info.get("socket").asText()).isEqualTo(socket.toString());
        assertThat(info.get("tlsCertificate").isNull()).isTrue();

        // The thin path's transport over the socket: the API answers, and a read waits no longer than asked.
        String token = Files.readString(profile.resolve("api-token")).trim();
        ThinHttp http = new ThinHttp(URI.create(ready.get("url").asText()), token, socket);
        ThinHttp.Answer check = http.get("/v1/check");
        assertThat(check.status()).as(check.body()).isEqualTo(200);
        JsonNode c = JSON.readTree(check.body());
        assertThat(c.get("pid").asLong()).isEqualTo(pid);
        assertThat(new ThinHttp(URI.create(ready.get("url").asText()), "wrong", socket).get("/v1/contacts").status()).isEqualTo(401);
        try (ThinHttp.Events events = http.events(c.get("lastSeq").asLong(), c.get("epoch").asText())) {
            long t0 = System.nanoTime();
            assertThat(events.next(t0 + TimeUnit.MILLISECONDS.toNanos(400))).isNull();
            assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(400));
        }

        CliProcess again = CliProcess.run(60, as(profile, "daemon", "--detach"));
        assertThat(again.exitCode()).as(again.toString()).isEqualTo(ExitCodes.CONFIG);
        assertThat(String.join("\n", again.err())).contains("already serves").contains("pid " + pid);

        CliProcess status = CliProcess.run(30, as(profile, "daemon", "--status"));
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.out()).singleElement().asString().contains("pid " + pid);

        CliProcess stop = CliProcess.run(60, as(profile, "daemon", "--stop"));
        assertThat(stop.exitCode()).as(stop.toString()).isZero();
        assertThat(daemon.isAlive()).isFalse();
        assertThat(socket).doesNotExist();
        assertThat(profile.resolve("daemon.json")).doesNotExist();
    }

    @Test
    void aDetachedDaemonThatCannotServeSaysWhyAndLeavesNothingRunning() throws Exception {
        Path profile = tmp.resolve("p");
        CliProcess detach = CliProcess.run(120, as(profile, "daemon", "--detach", "--bind", "0.0.0.0"));
        assertThat(detach.exitCode()).as(detach.toString()).isEqualTo(ExitCodes.CONFIG);
        assertThat(detach.out()).isEmpty();
        assertThat(String.join("\n", detach.err())).contains("reachable from the network");
        assertThat(profile.resolve("daemon.json")).doesNotExist();
        assertThat(Files.readString(profile.resolve("daemon-stderr.log"))).contains("reachable from the network");
    }

    @Test
    void onTheMachinesOwnAddressTheDaemonServesHttpsAndItsOwnCommandsTrustItsCertificate() throws Exception {
        Path profile = tmp.resolve("p");
        InetAddress own = LocalMachine.ownIpv4();
        Path cert = tmp.resolve("cert.pem");
        Path key = tmp.resolve("key.pem");
        LocalMachine.selfSignedCertificate(cert, key, "IP:" + own.getHostAddress());

        CliProcess half = CliProcess.run(60, as(profile, "daemon", "--bind", own.getHostAddress(), "--allow-remote", "--tls-cert", cert.toString()));
        assertThat(half.exitCode()).as(half.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(String.join("\n", half.err())).contains("--tls-cert and --tls-key together");

        foreground = CliProcess.start(as(profile, "daemon", "--json", "--bind", own.getHostAddress(), "--allow-remote",
                "--tls-cert", cert.toString(), "--tls-key", key.toString()));
        JsonNode ready = JSON.readTree(foreground.awaitLine(l -> l.startsWith("{"), 60));
        assertThat(ready.get("url").asText()).matches("https://" + own.getHostAddress().replace(".", "\\.") + ":\\d+");
        JsonNode info = JSON.readTree(Files.readString(profile.resolve("daemon.json")));
        assertThat(info.get("tlsCertificate").asText()).isEqualTo(cert.toAbsolutePath().toString());

        CliProcess status = CliProcess.run(30, as(profile, "daemon", "--status", "--json"));
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(JSON.readTree(status.out().get(0)).get("running").asBoolean()).isTrue();

        CliProcess stop = CliProcess.run(60, as(profile, "daemon", "--stop"));
        assertThat(stop.exitCode()).as(stop.toString()).isZero();
        assertThat(foreground.awaitExit(20)).isZero();
    }

}
