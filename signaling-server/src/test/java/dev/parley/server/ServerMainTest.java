package dev.parley.server;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The real entry point in its own JVM: prints its ports, serves /healthz, and stops cleanly on SIGTERM. */
@Tag("native")
class ServerMainTest {
    @Test
    void startsOnEphemeralPortsPrintsThemAndStopsOnSigterm() throws Exception {
        Process p = ServerJvm.start();
        try {
            ServerJvm.Ready ready = ServerJvm.awaitReady(p, 30, "the server's ready line");
            int wsPort = ready.wsPort();
            int httpPort = ready.httpPort();
            assertThat(wsPort).isPositive();

            HttpResponse<String> health = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/healthz"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);

            ProcessHandle server = p.toHandle();
            assertThat(server.destroy()).isTrue(); // SIGTERM to this PID only
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isIn(0, 143);
        } finally {
            if (p.isAlive()) p.destroyForcibly();
        }
    }
}
