package dev.parley.bench.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.server.ServerConfig;
import dev.parley.server.SignalingServer;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The daemon's figures (issue 15), everything real on one host: an embedded signaling server, two
 * {@code parley daemon} processes (alice, bob) from the built CLI, the local API over HTTP/WebSocket.
 * Measures, side by side in one run: (1) {@code parley message} end to end (process start to exit 0 after
 * the ack) through alice's daemon, and in-process after her daemon stopped; (2) API send → ack (the
 * {@code message-state delivered} event) for a connected contact; (3) 1,000 API sends from 4 concurrent
 * clients: all acked, and bob's history holds each exactly once.
 *
 * <p>Usage: {@code DaemonBench CLI_CLASSPATH [--runs 20] [--local-runs 5] [--pings 300] [--load 1000]}
 */
public final class DaemonBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public static void main(String[] args) throws Exception {
        String cliCp = args[0];
        int runs = intArg(args, "--runs", 20), localRuns = intArg(args, "--local-runs", 5), pings = intArg(args, "--pings", 300),
                load = intArg(args, "--load", 1000);
        Path root = Files.createTempDirectory("parley-daemon-bench");
        SignalingServer server = new SignalingServer(ServerConfig.builder().bindAddress("127.0.0.1").port(0).httpPort(-1).build());
        String url = "ws://127.0.0.1:" + server.start().wsPort();
        System.out.printf("daemon bench: %d daemon runs, %d in-process runs, %d pings, %d concurrent sends; JDK %s, %d cores%n",
                runs, localRuns, pings, load, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        List<Process> started = new ArrayList<>();
        try {
            Daemon alice = Daemon.start(cliCp, root.resolve("alice"), url, started);
            Daemon bob = Daemon.start(cliCp, root.resolve("bob"), url, started);
            String bobId = alice.post("/v1/contacts", Map.of("contact", bob.get("/v1/identity").path("contactString").asText(), "name", "Bob"))
                    .path("peerId").asText();
            String aliceId = bob.post("/v1/contacts", Map.of("contact", alice.get("/v1/identity").path("contactString").asText(), "name", "Alice"))
                    .path("peerId").asText();
            Events events = alice.events();
            // Warm up: the first message dials and opens the session.
            events.awaitDelivered(alice.post("/v1/contacts/" + bobId + "/messages", Map.of("text", "warm-up")).path("id").asText(), 60);

            List<Double> viaDaemon = new ArrayList<>();
            for (int i = 0; i < runs + 2; i++) {
                double ms = cli(cliCp, alice.profile, url, "message", "--to", "Bob", "via daemon " + i);
                if (i >= 2) viaDaemon.add(ms);
            }
            report("cli_message_via_daemon_ms", viaDaemon);

            List<Double> rtt = new ArrayList<>();
            for (int i = 0; i < pings + 30; i++) {
                long t0 = System.nanoTime();
                String id = alice.post("/v1/contacts/" + bobId + "/messages", Map.of("text", "ping " + i)).path("id").asText();
                events.awaitDelivered(id, 30);
                if (i >= 30) rtt.add((System.nanoTime() - t0) / 1e6);
            }
            report("api_send_to_ack_ms", rtt);

            ExecutorService pool = Executors.newFixedThreadPool(4);
            long t0 = System.nanoTime();
            List<Future<List<String>>> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                int client = c;
                clients.add(pool.submit(() -> {
                    List<String> ids = new ArrayList<>();
                    for (int i = client; i < load; i += 4) {
                        ids.add(alice.post("/v1/contacts/" + bobId + "/messages", Map.of("text", "load " + i)).path("id").asText());
                    }
                    return ids;
                }));
            }
            List<String> ids = new ArrayList<>();
            for (Future<List<String>> f : clients) ids.addAll(f.get(300, TimeUnit.SECONDS));
            for (String id : ids) events.awaitDelivered(id, 120);
            double secs = (System.nanoTime() - t0) / 1e9;
            pool.shutdown();
            Set<String> texts = new HashSet<>();
            int loadTexts = 0;
            String before = null;
            for (int page = 0; page < 100; page++) {
                JsonNode p = bob.get("/v1/contacts/" + aliceId + "/messages?order=newest&limit=1000"
                        + (before == null ? "" : "&before=" + before));
                for (JsonNode m : p.path("items")) {
                    String t = m.path("text").asText();
                    if (t.startsWith("load ")) {
                        loadTexts++;
                        texts.add(t);
                    }
                }
                if (p.path("next").isNull()) break;
                before = p.path("next").asText();
            }
            System.out.printf("RESULT concurrent_api_sends value=%d acked=%d stored_at_bob=%d distinct=%d lost=%d duplicated=%d seconds=%.2f msgs_per_s=%.0f%n",
                    load, new HashSet<>(ids).size(), loadTexts, texts.size(), load - texts.size(), loadTexts - texts.size(), secs, load / secs);

            alice.stop();
            List<Double> inProcess = new ArrayList<>();
            for (int i = 0; i < localRuns; i++) inProcess.add(cli(cliCp, alice.profile, url, "message", "--to", "Bob", "in-process " + i));
            report("cli_message_in_process_ms", inProcess);
            System.out.printf("RESULT ratio_in_process_over_daemon value=%.1f%n", median(inProcess) / median(viaDaemon));
            bob.stop();
        } finally {
            for (Process p : started) p.destroy();
            server.close();
        }
        System.exit(0);
    }

    /** Runs one CLI command to completion; its wall time in ms (it must exit 0). */
    static double cli(String cp, Path profile, String url, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java(), "-cp", cp, "dev.parley.cli.Main", "--profile", profile.toString(), "--server", url));
        cmd.addAll(List.of(args));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("parley " + String.join(" ", args) + " did not finish in 120 s");
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        if (p.exitValue() != 0) throw new IllegalStateException("parley " + String.join(" ", args) + " exited " + p.exitValue());
        return ms;
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A running {@code parley daemon --json}, reached with its token. */
    record Daemon(Path profile, Process process, URI url, String token) {
        static Daemon start(String cp, Path profile, String server, List<Process> started) throws Exception {
            Process p = new ProcessBuilder(java(), "-cp", cp, "dev.parley.cli.Main", "--profile", profile.toString(), "--server", server,
                    "daemon", "--json").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            started.add(p);
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
                try {
                    return r.readLine();
                } catch (Exception e) {
                    return null;
                }
            });
            String ready = line.get(60, TimeUnit.SECONDS);
            if (ready == null) throw new IllegalStateException("daemon for " + profile + " printed nothing");
            JsonNode n = JSON.readTree(ready);
            String token = Files.readString(profile.resolve("api-token")).trim();
            return new Daemon(profile, p, URI.create(n.path("url").asText()), token);
        }

        JsonNode get(String path) throws Exception {
            return send(HttpRequest.newBuilder(url.resolve(path)).GET());
        }

        JsonNode post(String path, Map<String, ?> body) throws Exception {
            return send(HttpRequest.newBuilder(url.resolve(path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
        }

        private JsonNode send(HttpRequest.Builder b) throws Exception {
            HttpResponse<String> r = HTTP.send(b.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) throw new IllegalStateException(r.statusCode() + " " + r.body());
            return JSON.readTree(r.body());
        }

        Events events() throws Exception {
            Events e = new Events();
            HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + token)
                    .buildAsync(URI.create("ws://" + url.getRawAuthority() + "/v1/events"), e).get(30, TimeUnit.SECONDS);
            return e;
        }

        void stop() throws Exception {
            post("/v1/shutdown", Map.of());
            if (!process.waitFor(30, TimeUnit.SECONDS)) throw new IllegalStateException("daemon " + profile + " did not stop");
        }
    }

    /** Alice's event stream: which message ids were acknowledged (delivered or later). */
    static final class Events implements WebSocket.Listener {
        private final Map<String, CompletableFuture<Void>> delivered = new ConcurrentHashMap<>();
        private final StringBuilder partial = new StringBuilder();

        private CompletableFuture<Void> of(String id) {
            return delivered.computeIfAbsent(id, k -> new CompletableFuture<>());
        }

        void awaitDelivered(String id, int seconds) throws Exception {
            of(id).get(seconds, TimeUnit.SECONDS);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode n = JSON.readTree(partial.toString());
                    String state = n.path("state").asText("");
                    if (n.path("type").asText().equals("message-state") && (state.equals("delivered") || state.equals("read"))) {
                        of(n.path("id").asText()).complete(null);
                    }
                } catch (Exception ignored) {
                    // not an event we measure
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }

    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    static void report(String name, List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        System.out.printf("RESULT %s n=%d p50=%.1f p90=%.1f p99=%.1f min=%.1f max=%.1f%n", name, s.size(), s.get(s.size() / 2),
                s.get((int) (s.size() * 0.9)), s.get(Math.min(s.size() - 1, (int) (s.size() * 0.99))), s.get(0), s.get(s.size() - 1));
    }

    static int intArg(String[] args, String name, int def) {
        for (int i = 0; i < args.length - 1; i++) if (args[i].equals(name)) return Integer.parseInt(args[i + 1]);
        return def;
    }

    @SuppressWarnings("unused")
    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
