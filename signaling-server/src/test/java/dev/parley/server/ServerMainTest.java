package dev.parley.server;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The real entry point in its own JVM: prints its ports, serves /healthz, and stops cleanly on SIGTERM. */
@Tag("native")
class ServerMainTest {
    private static final Pattern READY = Pattern.compile("listening ws-port=(\\d+) http-port=(\\d+)");

    @Test
    void startsOnEphemeralPortsPrintsThemAndStopsOnSigterm() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.parley.server.ServerMain", "--port", "0", "--http-port", "0", "--bind", "127.0.0.1")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (Exception e) {
                    return null;
                }
            }).get(30, TimeUnit.SECONDS);
            assertThat(line).isNotNull();
            Matcher m = READY.matcher(line);
            assertThat(m.find()).as(line).isTrue();
            int wsPort = Integer.parseInt(m.group(1));
            int httpPort = Integer.parseInt(m.group(2));
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
