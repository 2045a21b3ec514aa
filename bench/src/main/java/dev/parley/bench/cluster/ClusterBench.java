package dev.parley.bench.cluster;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.AuthPayload;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.signal.Auth;
import dev.parley.protocol.signal.Candidate;
import dev.parley.protocol.signal.Challenge;
import dev.parley.protocol.signal.ServerMessage;
import dev.parley.protocol.signal.Watch;
import dev.parley.protocol.codec.WireCodec;
import dev.parley.server.ServerConfig;
import dev.parley.server.SignalingServer;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./parley bench cluster}: two in-process nodes and one real redis-server (started here on a free
 * loopback port, own temp dir). Relay latency same-node vs cross-node at the given rates, Redis commands
 * per relayed message (INFO commandstats deltas), and presence convergence after {@code kill -9} of a
 * third node in its own JVM; then msgs/s per node at saturation with 1, 2 and 3 nodes ({@link ClusterSaturation};
 * {@code --saturation 1,2,3|none}, {@code --saturation-only}); then the fault runs ({@link ClusterFaults};
 * {@code --faults sigstop,pause,restart,kill9|none}, {@code --faults-only}, {@code --no-retry}). Prints raw numbers for
 * docs/benchmarks.md.
 */
public final class ClusterBench {
    private static final WireCodec CODEC = WireCodec.standard();
    private static final Pattern ID = Pattern.compile("\"id\":\"c(\\d+)\"");
    private static final Pattern READY = Pattern.compile("listening ws-port=(\\d+) http-port=(-?\\d+)");

    public static void main(String[] args) throws Exception {
        int seconds = intArg(args, "--seconds", 5), kills = intArg(args, "--kills", 3);
        List<Integer> rates = new ArrayList<>();
        for (String r : strArg(args, "--rates", "1000,5000").split(",")) rates.add(Integer.parseInt(r.trim()));
        List<Integer> sizes = new ArrayList<>();
        String sat = strArg(args, "--saturation", "1,2,3");
        if (!sat.equals("none")) for (String r : sat.split(",")) sizes.add(Integer.parseInt(r.trim()));
        boolean onlySaturation = List.of(args).contains("--saturation-only");
        boolean onlyFaults = List.of(args).contains("--faults-only");
        String faultArg = strArg(args, "--faults", "sigstop,pause,restart,kill9");
        boolean retry = !List.of(args).contains("--no-retry"); // --retry (the default) is accepted too
        List<String> faults = faultArg.equals("none") ? List.of() : List.of(faultArg.split(","));
        System.out.println("cluster bench " + Instant.now() + " java " + System.getProperty("java.version")
                + " cpus " + Runtime.getRuntime().availableProcessors() + " rates " + rates + " seconds " + seconds
                + " saturation nodes " + sizes);
        try (RedisProc redis = new RedisProc()) {
            if (!onlySaturation && !onlyFaults) latencyAndKills(redis, rates, seconds, kills);
            if (!sizes.isEmpty() && !onlyFaults) {
                ClusterSaturation.run(redis, sizes, intArg(args, "--sat-seconds", 5), intArg(args, "--sat-runs", 3),
                        intArg(args, "--senders-per-node", 2), intArg(args, "--window", 256));
            }
            if (!faults.isEmpty() && !onlySaturation) {
                ClusterFaults.run(faults, intArg(args, "--fault-rate", 1000), intArg(args, "--fault-seconds", 10),
                        intArg(args, "--fault-millis", 3000), intArg(args, "--fault-runs", 3), retry);
            }
        }
        System.exit(0);
    }

    private static void latencyAndKills(RedisProc redis, List<Integer> rates, int seconds, int kills) throws Exception {
        SignalingServer n1 = node(redis.url(), "n1"), n2 = node(redis.url(), "n2");
        try {
            Client sender = Client.login(uri(n1), IdentityKeyPair.generate());
            Client same = Client.login(uri(n1), IdentityKeyPair.generate());
            Client cross = Client.login(uri(n2), IdentityKeyPair.generate());
            run("warmup same", sender, same, 1000, 2, redis); // JIT: not part of the results
            run("warmup cross", sender, cross, 1000, 2, redis);
            for (int rate : rates) {
                run("same-node ", sender, same, rate, seconds, redis);
                run("cross-node", sender, cross, rate, seconds, redis);
            }
            Map<String, Long> idle0 = redis.commandstats();
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L); // idle baseline: what heartbeats and sweeps cost per second
            double idlePerSec = delta(idle0, redis.commandstats()).values().stream().mapToLong(Long::longValue).sum()
                    / ((System.nanoTime() - t0) / 1e9);
            System.out.printf("idle redis commands/s (2 nodes: heartbeat, sweep, inbox reads): %.1f%n", idlePerSec);
            for (int i = 0; i < kills; i++) presenceAfterKill(redis.url(), n1, i);
        } finally {
            n1.close();
            n2.close();
        }
    }

    private static void run(String label, Client from, Client to, int rate, int seconds, RedisProc redis) throws Exception {
        to.latencies.clear();
        to.received.set(0);
        long errorsBefore = from.errors.get();
        Map<String, Long> before = redis.commandstats();
        long total = (long) rate * seconds, start = System.nanoTime(), interval = 1_000_000_000L / rate;
        PeerId target = to.key.publicKey().peerId();
        for (long i = 0; i < total; i++) {
            long due = start + i * interval;
            long now;
            while ((now = System.nanoTime()) < due) LockSupport.parkNanos(Math.min(due - now, 200_000));
            from.send(CODEC.encodeClient(new Candidate(target, null, "c" + System.nanoTime(), SESSION,
                    "candidate:1 1 udp 1 192.0.2.1 5000 typ host", "0", 0, null)));
        }
        double achieved = total / ((System.nanoTime() - start) / 1e9);
        long until = System.nanoTime() + 5_000_000_000L;
        while (to.received.get() + (from.errors.get() - errorsBefore) < total && System.nanoTime() < until) Thread.sleep(5);
        Map<String, Long> d = delta(before, redis.commandstats());
        long all = d.values().stream().mapToLong(Long::longValue).sum();
        long[] l = to.latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("%s rate %5d/s sent %6d received %6d errors %d  p50 %.3f ms  p99 %.3f ms  max %.3f ms"
                        + "  redis commands %d (%.2f/msg) %s%n", label, rate, total, to.received.get(), from.errors.get() - errorsBefore,
                pct(l, 50), pct(l, 99), l.length == 0 ? 0 : l[l.length - 1] / 1e6, all, all / (double) total, d);
        if (achieved < rate * 0.9) System.out.printf("  (sender achieved only %.0f msgs/s)%n", achieved);
    }

    private static void presenceAfterKill(String redisUrl, SignalingServer n1, int round) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.parley.server.ServerMain",
                "--port", "0", "--http-port", "-1", "--bind", "127.0.0.1", "--redis", redisUrl, "--node-id", "k" + round)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (Exception e) {
                    return null;
                }
            }).get(60, TimeUnit.SECONDS);
            Matcher m = READY.matcher(line == null ? "" : line);
            if (!m.find()) throw new IllegalStateException("node did not start: " + line);
            Client w = Client.login(uri(n1), IdentityKeyPair.generate());
            Client x = Client.login(URI.create("ws://127.0.0.1:" + m.group(1) + "/"), IdentityKeyPair.generate());
            PeerId wid = w.key.publicKey().peerId(), xid = x.key.publicKey().peerId();
            x.send(CODEC.encodeClient(new Watch(List.of(wid))));
            w.send(CODEC.encodeClient(new Watch(List.of(xid))));
            w.awaitPresence(xid, true, 10_000);
            long t0 = System.nanoTime();
            new ProcessBuilder("kill", "-9", Long.toString(p.pid())).start().waitFor();
            boolean seen = w.awaitPresence(xid, false, 20_000);
            System.out.printf("presence convergence after kill -9 (round %d): %s%n", round,
                    seen ? String.format("%.0f ms", (System.nanoTime() - t0) / 1e6) : "NOT within 20 s");
            w.close();
        } finally {
            if (p.isAlive()) p.destroyForcibly();
        }
    }

    static final String SESSION = Base64Url.encode(new byte[16]);

    private static SignalingServer node(String redis, String id) throws Exception {
        return node(redis, id, 20_000);
    }

    /** A node in this JVM whose rate limits ({@code rate} msgs/s per connection and per recipient) stay out of the way. */
    static SignalingServer node(String redis, String id, int rate) throws Exception {
        SignalingServer s = new SignalingServer(ServerConfig.builder().bindAddress("127.0.0.1").port(0).httpPort(-1)
                .redis(redis).nodeId(id).messagesPerSecond(rate).burst(rate).recipientMessagesPerSecond(rate)
                .maxQueuedMessages(100_000).maxQueuedBytes(256L << 20).drainDelay(Duration.ZERO)
                .shutdownTimeout(Duration.ofMillis(500)).build());
        s.start();
        return s;
    }

    private static URI uri(SignalingServer s) {
        return URI.create("ws://127.0.0.1:" + s.ports().wsPort() + "/");
    }

    static Map<String, Long> delta(Map<String, Long> a, Map<String, Long> b) {
        Map<String, Long> d = new TreeMap<>();
        b.forEach((k, v) -> {
            long x = v - a.getOrDefault(k, 0L);
            if (x > 0 && !k.equals("info")) d.put(k, x);
        });
        return d;
    }

    static double pct(long[] sorted, int p) {
        if (sorted.length == 0) return Double.NaN;
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
    }

    static int intArg(String[] a, String name, int def) {
        return Integer.parseInt(strArg(a, name, Integer.toString(def)));
    }

    static String strArg(String[] a, String name, String def) {
        for (int i = 0; i + 1 < a.length; i++) if (a[i].equals(name)) return a[i + 1];
        return def;
    }

    /** A logged-in test client recording relay latencies (from the id's send timestamp) and presence. */
    static final class Client extends WebSocketClient {
        final IdentityKeyPair key;
        final String host;
        final CompletableFuture<Boolean> welcome = new CompletableFuture<>();
        final AtomicLong received = new AtomicLong(), errors = new AtomicLong();
        final List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        final BlockingQueue<String> presence = new LinkedBlockingQueue<>();

        Client(URI uri, IdentityKeyPair key) {
            super(uri);
            this.key = key;
            this.host = AuthPayload.authority(uri.getHost(), uri.getPort(), false);
            setConnectionLostTimeout(0);
        }

        static Client login(URI uri, IdentityKeyPair key) throws Exception {
            Client c = new Client(uri, key);
            c.setTcpNoDelay(true);
            c.connectBlocking(10, TimeUnit.SECONDS);
            c.welcome.get(10, TimeUnit.SECONDS);
            return c;
        }

        @Override public void onOpen(ServerHandshake h) {}

        @Override
        public void onMessage(String text) {
            long now = System.nanoTime();
            if (text.contains("\"type\":\"candidate\"")) {
                Matcher m = ID.matcher(text);
                if (m.find()) latencies.add(now - Long.parseLong(m.group(1)));
                received.incrementAndGet();
                return;
            }
            ServerMessage m;
            try {
                m = CODEC.decodeServer(text);
            } catch (Exception e) {
                return;
            }
            if (m instanceof Challenge ch) {
                byte[] nonce = Base64Url.decode("nonce", ch.nonce(), AuthPayload.NONCE_LENGTH);
                byte[] sig = key.sign(AuthPayload.bytes(host, nonce, key.publicKey()));
                send(CODEC.encodeClient(new Auth(key.publicKey(), ch.nonce(), Base64Url.encode(sig))));
            } else if (m instanceof dev.parley.protocol.signal.Welcome) {
                welcome.complete(true);
            } else if (m instanceof dev.parley.protocol.signal.ErrorMessage) {
                errors.incrementAndGet();
            } else if (m instanceof dev.parley.protocol.signal.Presence p) {
                for (var e : p.peers()) presence.add(e.peer().value() + (e.online() ? " on" : " off"));
            }
        }

        boolean awaitPresence(PeerId who, boolean online, long ms) throws InterruptedException {
            long until = System.currentTimeMillis() + ms;
            String want = who.value() + (online ? " on" : " off");
            while (System.currentTimeMillis() < until) {
                String s = presence.poll(until - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
                if (want.equals(s)) return true;
            }
            return false;
        }

        @Override public void onClose(int code, String reason, boolean remote) {}
        @Override public void onError(Exception ex) {}
    }

    /** A redis-server of the benchmark's own: loopback, free port, temp dir, no persistence. */
    static final class RedisProc implements AutoCloseable {
        final int port;
        final Process process;

        RedisProc() throws Exception {
            try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Path dir = java.nio.file.Files.createTempDirectory("parley-bench-redis");
            process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--dir", dir.toString(), "--save", "", "--appendonly", "no").redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            for (String l; (l = out.readLine()) != null; ) if (l.contains("Ready to accept connections")) break;
            Thread t = new Thread(() -> {
                try {
                    while (out.readLine() != null) { /* drain */ }
                } catch (Exception ignored) {
                    // gone
                }
            });
            t.setDaemon(true);
            t.start();
        }

        String url() {
            return "redis://127.0.0.1:" + port;
        }

        /** cmdstat_NAME -> calls. */
        Map<String, Long> commandstats() throws Exception {
            Process p = new ProcessBuilder("redis-cli", "-p", Integer.toString(port), "INFO", "commandstats").start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            Map<String, Long> m = new TreeMap<>();
            for (String l : text.split("\r?\n")) {
                if (!l.startsWith("cmdstat_")) continue;
                String name = l.substring(8, l.indexOf(':'));
                for (String kv : l.substring(l.indexOf(':') + 1).split(",")) {
                    if (kv.startsWith("calls=")) m.put(name, Long.parseLong(kv.substring(6)));
                }
            }
            return m;
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    private ClusterBench() {}

}
