package dev.parley.server;

import dev.parley.protocol.signal.CloseCodes;
import dev.parley.protocol.signal.GoingAway;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The operator's view: /healthz, /metrics, and a graceful stop. */
class ShutdownAndOpsTest extends ServerTestSupport {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*\\})?) (\\S+)$");

    static Map<String, Double> parsePrometheus(String text) {
        Map<String, Double> out = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) continue;
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("Prometheus sample line: " + line).isTrue();
            out.put(m.group(1), Double.parseDouble(m.group(3)));
        }
        return out;
    }

    @Test
    void healthzIsOkAndMetricsParseAndCountWhatHappened() throws Exception {
        start();
        HttpResponse<String> health = http("/healthz");
        assertThat(health.statusCode()).isEqualTo(200);
        TestPeer a = loggedIn();
        TestPeer b = loggedIn();
        assertPairStillRelays(a, b);
        TestPeer bad = connect();
        bad.ws.send("{\"type\":\"ping\"}"); // before auth
        bad.ws.awaitClose();

        HttpResponse<String> metrics = http("/metrics");
        assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        Map<String, Double> m = parsePrometheus(metrics.body());
        assertThat(m.get("parley_relayed_messages_total{type=\"offer\"}")).isEqualTo(1.0);
        assertThat(m.get("parley_relayed_messages_total{type=\"candidate\"}")).isEqualTo(1.0);
        assertThat(m.get("parley_rejects_total{reason=\"not_authenticated\"}")).isEqualTo(1.0);
        assertThat(m.get("parley_authenticated_peers")).isEqualTo(2.0);
        assertThat(m.get("parley_relay_latency_seconds_count")).isEqualTo(2.0);
        assertThat(m.get("parley_logins_total{result=\"new\"}")).isEqualTo(2.0);
        assertThat(m).containsKeys("jvm_memory_used_bytes{area=\"heap\"}", "jvm_threads_current",
                "process_cpu_seconds_total", "parley_connections", "parley_relay_latency_seconds_bucket{le=\"+Inf\"}");
    }

    @Test
    void closingTellsClientsToGoAwayThenCloses1001WhileHealthzSays503() throws Exception {
        start(b -> b.drainDelay(Duration.ofMillis(1500)).reconnectAfter(Duration.ofSeconds(3)));
        TestPeer a = loggedIn();
        TestPeer b = loggedIn();
        CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        int status = 200;
        while (status != 503 && System.nanoTime() < until) status = http("/healthz").statusCode();
        assertThat(status).isEqualTo(503);
        for (TestPeer p : new TestPeer[] {a, b}) {
            GoingAway g = p.ws.expect(GoingAway.class);
            assertThat(g.reconnectAfterMs()).isEqualTo(3000);
            assertThat(p.ws.awaitClose().code()).isEqualTo(CloseCodes.GOING_AWAY);
        }
        closing.get();
    }
}
