package dev.parley.bench;

import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.signal.Welcome;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Signaling-server load generator: starts the server as its own JVM, opens N authenticated
 * WebSocket connections from one NIO thread, measures the server's RSS per connection, then relays
 * offers and candidates between pairs at fixed rates and reports delivery latency and server CPU per
 * message. Everything stops by itself; the server is stopped by its PID.
 * <p>
 * Run with {@code bench/signaling.sh --help}.
 */
public final class SignalingBench {

    static final List<String> DEFAULT_SERVER_ARGS = List.of("--max-connections", "100000",
            "--max-connections-per-ip", "100000", "--handshakes-per-second-per-ip", "100000",
            "--handshake-burst-per-ip", "100000");

    static final class Options {
        int connections = 15_000;
        int[] rates = {5_000, 10_000, 20_000};
        int seconds = 10;
        int reps = 3;
        int warmupSeconds = 5;
        int rampRate = 1_500;
        int rampInFlight = 200;
        int pairs = 0;                      // 0: every connection is in a pair
        int offerEvery = 5;                 // 1 offer per 5 messages, the rest candidates
        int sdpBytes = 3_000;
        int sourceIps = 8;
        int holdSeconds = 5;
        String server;                      // host:port of a running server: no process stats
        String path = "/";
        List<String> serverJvm = List.of("-Xss256k", "-XX:+UseSerialGC", "-Xms32m", "-Xmx512m",
                "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30");
        String serverJvmName = "small";
        /** Raise the per-address and total caps: the bench is many clients on a handful of loopback addresses. */
        boolean defaultServerArgs = true;
        List<String> serverArgs = new ArrayList<>();
        String serverMain = "dev.parley.server.ServerMain";
        Pattern portLine = Pattern.compile("listening ws-port=(\\d+) http-port=(\\d+)");
        boolean profile;
        Path outDir = Path.of("bench", "target", "signaling");
    }

    private final Options o;
    private final StringBuilder results = new StringBuilder();
    private ServerProcess server;
    private LoadClient client;
    private Conn[] conns;

    SignalingBench(Options o) {
        this.o = o;
    }

    public static void main(String[] args) throws Exception {
        Options o = parse(args);
        if (o == null) return;
        int rc = new SignalingBench(o).run();
        System.exit(rc);
    }

    int run() throws Exception {
        Files.createDirectories(o.outDir);
        say("Parley signaling benchmark, " + LocalDateTime.now().withNano(0) + ", " + Runtime.getRuntime().availableProcessors()
                + " CPUs, JDK " + System.getProperty("java.version"));
        say("settings: connections=" + o.connections + " rates=" + Arrays.toString(o.rates) + " seconds=" + o.seconds
                + " reps=" + o.reps + " warmup=" + o.warmupSeconds + "s ramp=" + o.rampRate + "/s (in flight ≤" + o.rampInFlight
                + ") offerEvery=" + o.offerEvery + " sdpBytes=" + o.sdpBytes + " sourceIps=" + o.sourceIps);
        try {
            // 1. keys first, so key generation does not overlap the server's measurements
            long t = System.nanoTime();
            conns = new Conn[o.connections];
            IdentityKeyPair[] keys = generateKeys(o.connections);
            for (int i = 0; i < conns.length; i++) conns[i] = new Conn(i, keys[i], 1 << 20);
            say(String.format(Locale.ROOT, "generated %d Ed25519 identities in %.1f s", o.connections, (System.nanoTime() - t) / 1e9));

            // 2. server
            InetSocketAddress addr;
            if (o.server == null) {
                List<String> jvm = o.serverJvmName.equals("default") ? List.of() : o.serverJvm;
                List<String> args = new ArrayList<>(List.of("--port", "0", "--http-port", "0"));
                if (o.defaultServerArgs) args.addAll(DEFAULT_SERVER_ARGS);
                args.addAll(o.serverArgs);
                server = ServerProcess.start(jvm, System.getProperty("java.class.path"), o.serverMain, args, o.portLine,
                        o.outDir.resolve("server.log"), Duration.ofSeconds(60));
                say("server pid " + server.pid + " ws port " + server.wsPort + " http port " + server.httpPort);
                say("server command: " + server.command.stream().filter(s -> !s.contains(".jar")).collect(Collectors.joining(" ")));
                if (!server.waitHealthy(Duration.ofSeconds(30))) say("WARNING: /healthz did not answer 2xx");
                addr = new InetSocketAddress("127.0.0.1", server.wsPort);
            } else {
                String[] hp = o.server.split(":");
                addr = new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
            }
            String authority = "127.0.0.1:" + addr.getPort();
            List<InetAddress> sources = new ArrayList<>();
            for (int i = 0; i < o.sourceIps; i++) sources.add(InetAddress.getByName("127.0.0." + (2 + i)));
            client = new LoadClient(new LoadClient.Target(addr, o.path, authority), sources, 1 << 20);

            // 3. memory: baseline, ramp, hold
            long rss0 = -1, heap0 = -1;
            if (server != null) {
                // a few connections first so the server's lazily loaded classes are in the baseline
                rampTo(Math.min(20, o.connections), 0);
                settle();
                rss0 = ProcStats.rssBytes(server.pid);
                heap0 = heapUsed();
                say(String.format(Locale.ROOT, "server baseline (%d conns, after full GC): RSS %.1f MiB, heap used %.1f MiB",
                        client.ready.get(), rss0 / 1048576.0, heap0 / 1048576.0));
            }
            int base = client.ready.get();
            long rampStart = System.nanoTime();
            rampTo(o.connections, base);
            double rampSec = (System.nanoTime() - rampStart) / 1e9;
            int held = client.ready.get();
            say(String.format(Locale.ROOT, "ramp: %d of %d authenticated in %.1f s (%.0f/s), %d failed, mean handshake %.1f ms",
                    held, o.connections, rampSec, (held - base) / rampSec, client.failed.get(),
                    client.handshakeNanos.sum() / 1e6 / Math.max(1, held + client.droppedAfterReady.get())));
            printFailures();
            Welcome w = client.firstWelcome;
            if (w != null) say("server welcome: heartbeatMs=" + w.heartbeatMs() + " idleTimeoutMs=" + w.idleTimeoutMs() + " limits=" + w.limits());
            Thread keepalive = startKeepalive();

            ProcStats.Threads idle0 = server != null ? ProcStats.threads(server.pid) : null;
            long idleT0 = System.nanoTime();
            sleep(o.holdSeconds * 1000L);
            int heldAfterHold = client.ready.get();
            double idleCpuPct = Double.NaN;
            if (server != null && o.holdSeconds > 0) {
                ProcStats.Threads idle = ProcStats.threads(server.pid).minus(idle0);
                long idleNs = idle.cpuNanos().values().stream().mapToLong(Long::longValue).sum();
                idleCpuPct = 100.0 * idleNs / (System.nanoTime() - idleT0);
                say(String.format(Locale.ROOT, "server CPU while holding %d idle connections for %d s: %.1f%% of a core%s", heldAfterHold,
                        o.holdSeconds, idleCpuPct, idleNs == 0 ? "" : " (" + idle.cpuNanos().entrySet().stream()
                                .filter(e -> e.getValue() > 0).sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(4)
                                .map(e -> String.format(Locale.ROOT, "%s %.0f%%", e.getKey(), 100.0 * e.getValue() / idleNs))
                                .collect(Collectors.joining(", ")) + ")"));
            }
            Map<String, Object> conn = new LinkedHashMap<>();
            conn.put("target", o.connections);
            conn.put("held", heldAfterHold);
            conn.put("failed", client.failed.get());
            conn.put("dropped", client.droppedAfterReady.get());
            conn.put("ramp_per_s", Math.round((held - base) / rampSec));
            conn.put("server_idle_cpu_pct", round2(idleCpuPct));
            conn.put("server_authenticated", Math.round(serverMetric("parley_authenticated_peers")));
            if (server != null) {
                long rssRaw = ProcStats.rssBytes(server.pid);
                settle();
                long rss1 = ProcStats.rssBytes(server.pid);
                long heap1 = heapUsed();
                int n = client.ready.get() - base;
                String histo = server.jcmd("GC.class_histogram");
                Files.writeString(o.outDir.resolve("class-histogram.txt"), histo);
                conn.put("rss_baseline_kib", rss0 / 1024);
                conn.put("rss_loaded_kib", rssRaw / 1024);
                conn.put("rss_after_gc_kib", rss1 / 1024);
                conn.put("rss_per_conn_b", n > 0 ? (rssRaw - rss0) / n : -1);
                conn.put("rss_after_gc_per_conn_b", n > 0 ? (rss1 - rss0) / n : -1);
                conn.put("heap_per_conn_b", n > 0 && heap0 >= 0 ? (heap1 - heap0) / n : -1);
                say(String.format(Locale.ROOT, "server with %d conns: RSS %.1f MiB (after full GC %.1f MiB), heap used %.1f MiB",
                        client.ready.get(), rssRaw / 1048576.0, rss1 / 1048576.0, heap1 / 1048576.0));
                say(String.format(Locale.ROOT, "per connection: RSS %.2f KiB (after full GC %.2f KiB), live heap %.2f KiB   [target ≤ 10 KB RSS]",
                        (rssRaw - rss0) / 1024.0 / n, (rss1 - rss0) / 1024.0 / n, (heap1 - heap0) / 1024.0 / n));
                say("top of the server's class histogram (full list in " + o.outDir.resolve("class-histogram.txt") + "):");
                histo.lines().skip(1).limit(14).forEach(l -> say("  " + l));
            }
            result("signaling.connections", conn);

            // 4. relay phases
            if (o.rates.length > 0 && heldAfterHold >= 2) relay();

            int end = client.ready.get();
            say("connections still held at the end: " + end + " (dropped during the run: " + client.droppedAfterReady.get() + ")");
            printFailures();
            keepalive.interrupt();
            if (server != null) {
                String metrics = server.http("/metrics");
                if (metrics != null) Files.writeString(o.outDir.resolve("metrics.txt"), metrics);
            }
            Files.writeString(o.outDir.resolve("results.txt"), results.toString());
            say("machine-readable lines are also in " + o.outDir.resolve("results.txt"));
            return 0;
        } finally {
            if (client != null) client.close();
            if (server != null) {
                server.close();
                say("server pid " + server.pid + " stopped");
            }
        }
    }

    private IdentityKeyPair[] generateKeys(int n) throws InterruptedException {
        IdentityKeyPair[] keys = new IdentityKeyPair[n];
        Thread[] ts = new Thread[2];
        for (int t = 0; t < ts.length; t++) {
            int from = t * n / ts.length, to = (t + 1) * n / ts.length;
            ts[t] = new Thread(() -> {
                for (int i = from; i < to; i++) keys[i] = IdentityKeyPair.generate();
            });
            ts[t].start();
        }
        for (Thread t : ts) t.join();
        return keys;
    }

    /** Opens conns[from..n) at the ramp rate with a bounded number in flight; returns when all settled. */
    private void rampTo(int n, int from) {
        long t0 = System.nanoTime();
        double interval = 1e9 / o.rampRate;
        long lastProgress = System.nanoTime();
        int lastSettled = 0;
        for (int i = from; i < n; i++) {
            long due = t0 + (long) ((i - from) * interval);
            long now;
            while ((now = System.nanoTime()) < due || client.inFlight.get() >= o.rampInFlight) {
                LockSupport.parkNanos(Math.max(100_000, due - now));
                int settled = client.ready.get() + client.failed.get();
                if (settled != lastSettled) {
                    lastSettled = settled;
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > 30_000_000_000L) {
                    say("ramp stalled for 30 s at " + client.ready.get() + " connections; giving up");
                    return;
                }
            }
            client.open(conns[i]);
            if ((i + 1) % 2500 == 0) say("  ramp: opened " + (i + 1) + ", ready " + client.ready.get() + ", failed " + client.failed.get());
        }
        long end = System.nanoTime() + 30_000_000_000L;
        while (client.inFlight.get() > 0 && System.nanoTime() < end) sleep(20);
    }

    /** Lets the server's JVM settle: full GC, then a pause, so RSS and heap reflect live state. */
    private void settle() {
        if (server == null) return;
        sleep(1000);
        server.jcmd("GC.run");
        sleep(1500);
    }

    /** Sum of every sample of a metric in the server's /metrics (all label sets); NaN if unavailable. */
    private double serverMetric(String name) {
        if (server == null) return Double.NaN;
        String text = server.http("/metrics");
        if (text == null) return Double.NaN;
        double sum = 0;
        boolean any = false;
        for (String l : text.split("\n")) {
            if (l.startsWith(name + " ") || l.startsWith(name + "{")) {
                sum += Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
                any = true;
            }
        }
        return any ? sum : Double.NaN;
    }

    private static final Pattern HEAP_USED = Pattern.compile("total \\d+K, used (\\d+)K");

    /** Java heap in use per jcmd GC.heap_info (sum over generations), bytes; -1 if unknown. */
    private long heapUsed() {
        String info = server.jcmd("GC.heap_info");
        long sum = 0;
        boolean any = false;
        for (String line : info.split("\n")) {
            if (line.contains("Metaspace") || line.contains("class space")) continue;
            Matcher m = HEAP_USED.matcher(line);
            if (m.find()) {
                sum += Long.parseLong(m.group(1)) * 1024;
                any = true;
            }
        }
        return any ? sum : -1;
    }

    /** Application-level pings (the protocol's heartbeat) for connections that have been quiet. */
    private Thread startKeepalive() {
        Welcome w = client.firstWelcome;
        long hb = w != null && w.heartbeatMs() > 0 ? w.heartbeatMs() : 20_000;
        long quietNanos = hb * 1_000_000L / 2;
        Thread t = new Thread(() -> {
            long n = 0;
            while (!Thread.currentThread().isInterrupted()) {
                long now = System.nanoTime();
                for (Conn c : conns) {
                    if (c.state == Conn.State.READY && now - c.lastSendNanos > quietNanos) {
                        byte[] f = WsFrames.masked(WsFrames.OP_TEXT, Wire.ping(n++), ThreadLocalRandom.current().nextInt());
                        client.send(c, f, 0, f.length);
                        pingsSent++;
                    }
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "keepalive");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private volatile long pingsSent;

    private record PhaseResult(int rep, int rate, double sentRate, double deliveredRate, PhaseRecorder.Result r,
                               long errors, double cpuUsPerMsg, double serverCpuPct, double genCpuPct, double boxBusyPct,
                               Pacer.Sent sent, long pings, long serverRelayed, double ctxSwitchesPerMsg) {}

    private void relay() throws IOException {
        List<Conn> ready = new ArrayList<>();
        for (Conn c : conns) if (c.state == Conn.State.READY) ready.add(c);
        int pairs = ready.size() / 2;
        if (o.pairs > 0) pairs = Math.min(pairs, o.pairs);
        Conn[] senders = new Conn[pairs * 2];
        long t = System.nanoTime();
        for (int i = 0; i < pairs; i++) {
            Conn a = ready.get(2 * i), b = ready.get(2 * i + 1);
            a.partner = b;
            b.partner = a;
            senders[2 * i] = a;
            senders[2 * i + 1] = b;
        }
        // every offer carries a real signature (Ed25519 in the JDK is slow): build them on both cores
        int nt = 2;
        Thread[] ts = new Thread[nt];
        for (int k = 0; k < nt; k++) {
            int from = k * senders.length / nt, to = (k + 1) * senders.length / nt;
            Random rnd = new Random(42 + k);
            ts[k] = new Thread(() -> {
                for (int i = from; i < to; i++) {
                    Conn c = senders[i];
                    c.templates = new LoadClient.Templates(Wire.offer(c.key, c.partner.key, o.sdpBytes, rnd),
                            Wire.candidate(c.partner.peerId, rnd));
                }
            });
            ts[k].start();
        }
        for (Thread th : ts) {
            try {
                th.join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        // interleave so consecutive messages come from different pairs
        Conn[] order = new Conn[senders.length];
        for (int i = 0; i < pairs; i++) {
            order[i] = senders[2 * i];
            order[pairs + i] = senders[2 * i + 1];
        }
        Conn any = order[0];
        say(String.format(Locale.ROOT, "relay: %d pairs, both directions; offer %d B, candidate %d B of JSON (1 offer per %d messages); templates built in %.1f s",
                pairs, any.templates.offer().length(), any.templates.candidate().length(), o.offerEvery, (System.nanoTime() - t) / 1e9));
        Welcome w = client.firstWelcome;
        int maxRate = Arrays.stream(o.rates).max().orElse(0);
        double perConn = maxRate / (double) order.length;
        if (w != null && w.limits() != null && perConn > w.limits().messagesPerSecond() * 0.8) {
            say(String.format(Locale.ROOT, "WARNING: %.1f msgs/s per connection at %d/s is close to the server's limit of %d/s",
                    perConn, maxRate, w.limits().messagesPerSecond()));
        }

        Pacer pacer = new Pacer(client);
        long seq = 1;
        if (o.warmupSeconds > 0) {
            PhaseResult r = phase(pacer, order, 0, maxRate, o.warmupSeconds, seq, false);
            seq += (long) maxRate * o.warmupSeconds;
            say(line(r) + "   (warm-up, not counted)");
        }
        List<PhaseResult> all = new ArrayList<>();
        say("");
        say(header());
        for (int rep = 1; rep <= o.reps; rep++) {
            for (int rate : o.rates) {
                boolean prof = o.profile && rep == o.reps && rate == maxRate;
                PhaseResult r = phase(pacer, order, rep, rate, o.seconds, seq, prof);
                seq += (long) rate * o.seconds;
                all.add(r);
                say(line(r));
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("rep", rep);
                m.put("rate", rate);
                m.put("sent_per_s", Math.round(r.sentRate));
                m.put("delivered_per_s", Math.round(r.deliveredRate));
                m.put("delivered", r.r.delivered());
                m.put("errors", r.errors);
                m.put("misrouted", r.r.misrouted());
                m.put("server_relayed", r.serverRelayed);
                m.put("pings", r.pings);
                m.put("p50_us", us(r.r.p50()));
                m.put("p90_us", us(r.r.p90()));
                m.put("p99_us", us(r.r.p99()));
                m.put("p999_us", us(r.r.p999()));
                m.put("max_us", us(r.r.max()));
                m.put("server_cpu_us_per_msg", round2(r.cpuUsPerMsg));
                m.put("server_cpu_pct", round2(r.serverCpuPct));
                m.put("server_ctxsw_per_msg", round2(r.ctxSwitchesPerMsg));
                m.put("generator_cpu_pct", round2(r.genCpuPct));
                m.put("machine_busy_pct", round2(r.boxBusyPct));
                m.put("pacer_lag_p99_us", us(r.sent.lagP99()));
                result("signaling.relay", m);
            }
        }
        say("");
        say("medians over " + o.reps + " runs:");
        say(String.format(Locale.ROOT, "%8s %10s %10s %9s %9s %9s %12s", "rate", "sent/s", "deliv/s", "p50 µs", "p99 µs", "max µs", "CPU µs/msg"));
        for (int rate : o.rates) {
            List<PhaseResult> rs = all.stream().filter(r -> r.rate == rate).toList();
            double sent = median(rs.stream().mapToDouble(r -> r.sentRate));
            double del = median(rs.stream().mapToDouble(r -> r.deliveredRate));
            double p50 = median(rs.stream().mapToDouble(r -> r.r.p50() / 1e3));
            double p99 = median(rs.stream().mapToDouble(r -> r.r.p99() / 1e3));
            double max = median(rs.stream().mapToDouble(r -> r.r.max() / 1e3));
            double cpu = median(rs.stream().mapToDouble(r -> r.cpuUsPerMsg));
            say(String.format(Locale.ROOT, "%8d %10.0f %10.0f %9.0f %9.0f %9.0f %12.2f", rate, sent, del, p50, p99, max, cpu));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rate", rate);
            m.put("runs", rs.size());
            m.put("sent_per_s", Math.round(sent));
            m.put("delivered_per_s", Math.round(del));
            m.put("p50_us", Math.round(p50));
            m.put("p99_us", Math.round(p99));
            m.put("max_us", Math.round(max));
            m.put("server_cpu_us_per_msg", round2(cpu));
            result("signaling.relay.median", m);
        }
    }

    private PhaseResult phase(Pacer pacer, Conn[] senders, int rep, int rate, int seconds, long firstSeq, boolean profile) throws IOException {
        int total = rate * seconds;
        PhaseRecorder rec = new PhaseRecorder(firstSeq, total);
        client.recorder = rec;
        if (profile) {
            say("  profiling this phase with JFR: " + server.jcmd("JFR.start", "name=bench", "settings=profile",
                    "filename=" + o.outDir.toAbsolutePath().resolve("relay.jfr")).lines().filter(l -> l.contains("Started")).findFirst().orElse(""));
        }
        long pings0 = pingsSent;
        double relayed0 = serverMetric("parley_relayed_messages_total");
        ProcStats.Threads th0 = server != null ? ProcStats.threads(server.pid) : null;
        long cpu0 = server != null ? ProcStats.cpuNanos(server.pid) : -1;
        long self0 = ProcStats.cpuNanos(ProcStats.selfPid());
        long[] box0 = ProcStats.machineJiffies();
        long wall0 = System.nanoTime();
        Pacer.Sent sent = pacer.run(senders, total, rate, o.offerEvery, firstSeq);
        // wait for the server to deliver everything, so no backlog leaks into the next phase's latencies
        long drainEnd = System.nanoTime() + 20_000_000_000L;
        while (rec.delivered() + rec.errorCount() < total - sent.sendFailures() && System.nanoTime() < drainEnd) sleep(5);
        long missing = total - sent.sendFailures() - rec.delivered() - rec.errorCount();
        if (missing > 0) say("  WARNING: " + missing + " messages neither delivered nor refused 20 s after the last send");
        long wall1 = System.nanoTime();
        long cpu1 = server != null ? ProcStats.cpuNanos(server.pid) : -1;
        ProcStats.Threads th = server != null ? ProcStats.threads(server.pid).minus(th0) : null;
        long self1 = ProcStats.cpuNanos(ProcStats.selfPid());
        long[] box1 = ProcStats.machineJiffies();
        double relayed1 = serverMetric("parley_relayed_messages_total");
        client.recorder = null;
        sleep(1000); // a quiet second between phases
        if (profile) {
            server.jcmd("JFR.stop", "name=bench");
            summarizeProfile(o.outDir.resolve("relay.jfr"));
        }
        PhaseRecorder.Result r = rec.result();
        long errors = r.errors().values().stream().mapToLong(Long::longValue).sum();
        double wallSec = (wall1 - wall0) / 1e9;
        double sendSec = (sent.lastSendNanos() - sent.t0()) / 1e9;
        double sentRate = sendSec > 0 ? (total - sent.sendFailures()) / sendSec : 0;
        double delivRate = r.receiveSpanNanos() > 0 ? r.delivered() / (r.receiveSpanNanos() / 1e9) : 0;
        double cpuPerMsg = server != null && r.delivered() > 0 ? (cpu1 - cpu0) / 1e3 / r.delivered() : Double.NaN;
        double srvPct = server != null ? 100.0 * (cpu1 - cpu0) / (wall1 - wall0) : Double.NaN;
        double genPct = 100.0 * (self1 - self0) / (wall1 - wall0);
        double boxPct = box1[1] > box0[1] ? 100.0 * Runtime.getRuntime().availableProcessors() * (box1[0] - box0[0]) / (box1[1] - box0[1]) : Double.NaN;
        if (!r.errors().isEmpty()) say("  errors: " + r.errors());
        if (th != null && (profile || (rep == o.reps && rate == Arrays.stream(o.rates).max().orElse(0)))) {
            long thTotal = th.cpuNanos().values().stream().mapToLong(Long::longValue).sum();
            say(String.format(Locale.ROOT, "  server threads' CPU in this phase (%.2f s in all, %.1f context switches per message):",
                    thTotal / 1e9, th.contextSwitches() / (double) Math.max(1, r.delivered())));
            th.cpuNanos().entrySet().stream().filter(e -> e.getValue() > 0).sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                    .limit(8).forEach(e -> say(String.format(Locale.ROOT, "    %5.1f%%  %s", 100.0 * e.getValue() / Math.max(1, thTotal), e.getKey())));
        }
        return new PhaseResult(rep, rate, sentRate, delivRate, r, errors, cpuPerMsg, srvPct, genPct, boxPct, sent,
                pingsSent - pings0, Math.round(relayed1 - relayed0),
                th == null ? Double.NaN : th.contextSwitches() / (double) Math.max(1, r.delivered()));
    }

    /** Top frames of the server's CPU samples, from `jfr print`, so a missed CPU target points somewhere. */
    private void summarizeProfile(Path jfr) {
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jfr").toString(),
                    "print", "--events", "jdk.ExecutionSample", "--stack-depth", "12", jfr.toString()).redirectErrorStream(true).start();
            List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            p.waitFor();
            Map<String, Integer> top = new java.util.HashMap<>(), parley = new java.util.HashMap<>();
            int samples = 0;
            boolean inStack = false, first = false, parleySeen = false;
            for (String l : lines) {
                String s = l.trim();
                if (s.startsWith("stackTrace = [")) {
                    inStack = true;
                    first = true;
                    parleySeen = false;
                    samples++;
                    continue;
                }
                if (!inStack) continue;
                if (s.startsWith("]")) {
                    inStack = false;
                    continue;
                }
                String frame = s.replaceAll("\\s+line:.*$", "");
                if (first) {
                    top.merge(frame, 1, Integer::sum);
                    first = false;
                }
                if (!parleySeen && frame.startsWith("dev.parley.")) {
                    parley.merge(frame, 1, Integer::sum);
                    parleySeen = true;
                }
            }
            StringBuilder out = new StringBuilder("JFR execution samples: " + samples + "\n\ntop frames (self time):\n");
            appendTop(out, top, samples);
            out.append("\ninnermost dev.parley frame on the stack (inclusive):\n");
            appendTop(out, parley, samples);
            Files.writeString(o.outDir.resolve("profile.txt"), out.toString());
            say("  server CPU profile (" + o.outDir.resolve("profile.txt") + "):");
            out.toString().lines().limit(20).forEach(l -> say("    " + l));
        } catch (Exception e) {
            say("  profile summary failed: " + e);
        }
    }

    private static void appendTop(StringBuilder out, Map<String, Integer> m, int samples) {
        m.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(15).forEach(e ->
                out.append(String.format(Locale.ROOT, "%6.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, samples), e.getKey())));
    }

    private static String header() {
        return String.format(Locale.ROOT, "%4s %7s %8s %8s %8s %5s %7s %7s %7s %8s %8s %7s %6s %6s %6s %8s",
                "run", "rate", "sent/s", "deliv/s", "deliv", "err", "p50µs", "p90µs", "p99µs", "p99.9µs", "maxµs",
                "µs/msg", "srv%", "gen%", "box%", "lag99µs");
    }

    private static String line(PhaseResult r) {
        return String.format(Locale.ROOT, "%4s %7d %8.0f %8.0f %8d %5d %7d %7d %7d %8d %8d %7.2f %6.0f %6.0f %6.0f %8d",
                r.rep == 0 ? "wu" : Integer.toString(r.rep), r.rate, r.sentRate, r.deliveredRate, r.r.delivered(), r.errors,
                us(r.r.p50()), us(r.r.p90()), us(r.r.p99()), us(r.r.p999()), us(r.r.max()), r.cpuUsPerMsg,
                r.serverCpuPct, r.genCpuPct, r.boxBusyPct, us(r.sent.lagP99()));
    }

    private void printFailures() {
        Map<String, Long> f = client.failureCounts();
        if (!f.isEmpty()) say("connection failures/drops by cause: " + f);
    }

    private static long us(long nanos) {
        return Math.round(nanos / 1e3);
    }

    private static double round2(double d) {
        return Double.isNaN(d) ? d : Math.round(d * 100) / 100.0;
    }

    private static double median(java.util.stream.DoubleStream s) {
        double[] a = s.sorted().toArray();
        if (a.length == 0) return Double.NaN;
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    String resultsText() {
        return results.toString();
    }

    private void result(String figure, Map<String, Object> kv) {
        String l = "RESULT " + figure + " " + kv.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
        System.out.println(l);
        results.append(l).append('\n');
    }

    private void say(String s) {
        System.out.println(s);
        results.append("# ").append(s).append('\n');
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--connections" -> { o.connections = Integer.parseInt(v); i++; }
                case "--rates" -> {
                    o.rates = v.isBlank() ? new int[0] : Arrays.stream(v.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
                    i++;
                }
                case "--seconds" -> { o.seconds = Integer.parseInt(v); i++; }
                case "--reps" -> { o.reps = Integer.parseInt(v); i++; }
                case "--warmup-seconds" -> { o.warmupSeconds = Integer.parseInt(v); i++; }
                case "--ramp-rate" -> { o.rampRate = Integer.parseInt(v); i++; }
                case "--ramp-in-flight" -> { o.rampInFlight = Integer.parseInt(v); i++; }
                case "--pairs" -> { o.pairs = Integer.parseInt(v); i++; }
                case "--offer-every" -> { o.offerEvery = Integer.parseInt(v); i++; }
                case "--sdp-bytes" -> { o.sdpBytes = Integer.parseInt(v); i++; }
                case "--source-ips" -> { o.sourceIps = Integer.parseInt(v); i++; }
                case "--hold-seconds" -> { o.holdSeconds = Integer.parseInt(v); i++; }
                case "--server" -> { o.server = v; i++; }
                case "--path" -> { o.path = v; i++; }
                case "--server-jvm" -> {
                    if (v.equals("default")) {
                        o.serverJvmName = "default";
                    } else {
                        o.serverJvm = Arrays.asList(v.trim().split("\\s+"));
                        o.serverJvmName = "custom";
                    }
                    i++;
                }
                case "--server-arg" -> { o.serverArgs.add(v); i++; }
                case "--no-default-server-args" -> o.defaultServerArgs = false;
                case "--server-main" -> { o.serverMain = v; i++; }
                case "--port-line" -> { o.portLine = Pattern.compile(v); i++; }
                case "--profile" -> o.profile = true;
                case "--out" -> { o.outDir = Path.of(v); i++; }
                case "-h", "--help" -> {
                    System.out.println(USAGE);
                    return null;
                }
                default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
            }
        }
        return o;
    }

    static final String USAGE = """
            usage: bench/signaling.sh [options]
              --connections N      authenticated connections to open and hold (default 15000)
              --rates R1,R2,...    relay rates in msgs/s, each run for --seconds (default 5000,10000,20000; "" = none)
              --seconds S          length of each relay phase (default 10)
              --reps K             repetitions of the whole rate sweep (default 3)
              --warmup-seconds S   unreported warm-up at the top rate (default 5)
              --ramp-rate R        new connections per second (default 1500)
              --ramp-in-flight M   handshakes in progress at most (default 200)
              --pairs P            relay over the first P pairs only (default: all connections, paired)
              --offer-every K      one ~3 KB offer per K messages, the rest ~250 B candidates (default 5)
              --sdp-bytes B        SDP size in offers (default 3000)
              --source-ips K       spread connections over 127.0.0.2..127.0.0.(K+1) (default 8)
              --hold-seconds S     idle hold after the ramp before measuring (default 5)
              --server-jvm "F"     server JVM flags, or "default" for none (default: small-footprint set)
              --server-arg A       extra argument for ServerMain (repeatable), added after the defaults:
                                   --max-connections 100000 --max-connections-per-ip 100000
                                   --handshakes-per-second-per-ip 100000 --handshake-burst-per-ip 100000
              --no-default-server-args  drop those defaults (see the server's own caps bite)
              --server H:P         use an already running server (no RSS/CPU figures)
              --path P             WebSocket path (default /)
              --profile            JFR-profile the server during the last run at the top rate
              --out DIR            where results, logs and profiles go (default bench/target/signaling)
            """;
}
