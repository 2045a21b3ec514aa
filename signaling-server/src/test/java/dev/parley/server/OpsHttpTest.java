package dev.parley.server;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ops port cannot be starved: with 100 sockets trickling requests (and more than the connection cap
 * opened), /healthz and /metrics still answer at once; the slow ones are cut at their request deadline.
 */
class OpsHttpTest extends ServerTestSupport {

    private Socket slowSocket(int i) throws Exception {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + (2 + i % 4)), 0));
        s.connect(new InetSocketAddress("127.0.0.1", ports.httpPort()), 5000);
        s.setSoTimeout(15_000);
        cleanup.add(s);
        return s;
    }

    /** A plain HTTP/1.1 GET over a socket, as a health checker sends it; the whole response. */
    private String get(String path) throws Exception {
        try (Socket s = new Socket("127.0.0.1", ports.httpPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void healthzAndMetricsAnswerPromptlyWhileAHundredSlowSocketsTrickleRequests() throws Exception {
        start();
        assertThat(get("/healthz")).startsWith("HTTP/1.1 200"); // warm up (class loading), before the slow sockets
        byte[] request = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < 100; i++) slow.add(slowSocket(i));
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> trickle = CompletableFuture.runAsync(() -> {
            // One byte per socket per round, a round every 50 ms: never a complete request.
            for (int round = 0; !stop.get(); round++) {
                for (Socket s : slow) {
                    try {
                        OutputStream out = s.getOutputStream();
                        out.write(round < request.length ? request[round] : 'a');
                        out.flush();
                    } catch (Exception e) {
                        // cut by the server: expected eventually
                    }
                }
                LockSupport.parkNanos(50_000_000);
            }
        });
        try {
            long worst = 0;
            for (int i = 0; i < 10; i++) {
                long t0 = System.nanoTime();
                assertThat(get("/healthz")).startsWith("HTTP/1.1 200").endsWith("\r\n\r\nok\n");
                assertThat(get("/metrics")).startsWith("HTTP/1.1 200").contains("parley_connections ");
                worst = Math.max(worst, System.nanoTime() - t0);
            }
            assertThat(worst / 1_000_000).as("worst /healthz + /metrics, ms").isLessThan(1000);
            // However steadily they trickle, each slow socket is cut at its 5 s request deadline.
            for (Socket s : slow) {
                InputStream in = s.getInputStream();
                assertThat(in.read()).isEqualTo(-1);
            }
            assertThat(metric("parley_ops_http_dropped_total{reason=\"timeout\"}")).isEqualTo(100);
        } finally {
            stop.set(true);
            trickle.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void moreIdleSocketsThanTheCapEvictTheOldestSoTheHealthCheckerStillGetsIn() throws Exception {
        start();
        for (int i = 0; i < OpsHttp.MAX_CONNECTIONS + 44; i++) slowSocket(i);
        assertThat(get("/healthz")).startsWith("HTTP/1.1 200");
        assertThat(metric("parley_ops_http_dropped_total{reason=\"evicted\"}")).isGreaterThanOrEqualTo(45);
        assertThat(get("/nope")).startsWith("HTTP/1.1 404");
    }
}
