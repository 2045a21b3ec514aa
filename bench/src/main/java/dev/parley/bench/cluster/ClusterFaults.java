package dev.parley.bench.cluster;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.codec.WireCodec;
import dev.parley.protocol.crypto.AuthPayload;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.signal.Auth;
import dev.parley.protocol.signal.Candidate;
import dev.parley.protocol.signal.Challenge;
import dev.parley.protocol.signal.ErrorCode;
import dev.parley.protocol.signal.ErrorMessage;
import dev.parley.protocol.signal.ServerMessage;
import dev.parley.protocol.signal.Welcome;
import dev.parley.server.SignalingServer;
import dev.parley.testing.RedisProcess;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fault runs of {@code ./parley bench cluster} ({@code --faults sigstop,pause,restart,kill9|none}, {@code --faults-only}):
 * nodes on a Redis of the run's own ({@link RedisProcess}: so a restart here disturbs nothing else), steady
 * cross-node relaying in both directions (sender A on n1, sender B on n2, each message numbered per sender in its
 * id), and during it one fault: Redis {@code SIGSTOP} then {@code SIGCONT}, {@code CLIENT PAUSE ... ALL}, Redis
 * killed and restarted empty, or ({@code kill9}) {@code kill -9} of the receivers' node, which runs in a JVM of
 * its own; its receivers reconnect to the other nodes with the same identity at once (within the grace) and
 * resume. Without a kill9 the receivers are on the other sender's node.
 *
 * <p>Senders retry like a real client (the default; {@code --no-retry}: they never resend): a relay answered
 * {@code relay_failed} or {@code recipient_busy} is sent again with the same id after 50 ms doubling to 1 s, at
 * most {@value #MAX_RESENDS} times. Counts per run and direction: sent (distinct messages), delivered (distinct
 * messages that arrived), resends, refused finally (the last answer was an error and no resend followed), lost =
 * neither delivered nor refused finally, duplicated (arrivals beyond the first of a message), reordered
 * (arrived after a higher number of the same sender; of them, how many had been resent), refused-but-delivered
 * (refused finally, yet it arrived: the client was misled), errored-then-delivered (got an error at some point
 * and arrived: the cases a resend could have doubled), the receivers' longest gap between two arrivals, and
 * recovery: from the end of the fault to the send time of the last message that got an error or was lost.
 * Without retries "refused finally" is every message that got an error, as in the runs before retries existed.
 */
final class ClusterFaults {
    private static final WireCodec CODEC = WireCodec.standard();
    private static final Pattern SEQ = Pattern.compile("\"id\":\"f(\\d)-(\\d+)\"");
    private static final Pattern REF = Pattern.compile("^f\\d-(\\d+)$");
    private static final Pattern MARK = Pattern.compile("\"mark\":\"([^\"]+)\"");
    private static final Pattern READY = Pattern.compile("listening ws-port=(\\d+) http-port=(-?\\d+)");
    static final int MAX_RESENDS = 10;
    private static final ScheduledExecutorService RESENDS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fault-resends");
        t.setDaemon(true);
        return t;
    });

    static void run(List<String> faults, int rate, int seconds, int faultMillis, int runs, boolean retry) throws Exception {
        System.out.printf("fault runs: %s, %d runs each, %d msgs/s in total cross-node (half each way), %d s per run,"
                + " fault at 2 s for %d ms, senders %s%n", faults, runs, rate, seconds, faultMillis,
                retry ? "resend relay_failed/recipient_busy with the same id (50 ms doubling to 1 s, at most "
                        + MAX_RESENDS + " times)" : "never resend");
        for (String fault : faults) {
            for (int r = 0; r < runs; r++) one(fault, r, rate, seconds, faultMillis, retry);
        }
    }

    private static void one(String fault, int round, int rate, int seconds, int faultMillis, boolean retry) throws Exception {
        boolean kill9 = fault.equals("kill9");
        try (RedisProcess redis = new RedisProcess()) {
            SignalingServer n1 = ClusterBench.node(redis.url(), "f1", 20_000), n2 = ClusterBench.node(redis.url(), "f2", 20_000);
            Process n3 = kill9 ? spawn(redis.url(), "f3") : null;
            try {
                URI u1 = uri(n1), u2 = uri(n2), u3 = n3 == null ? null : URI.create("ws://127.0.0.1:" + wsPort(n3) + "/");
                int perSender = (int) ((long) rate / 2 * seconds);
                Peer a = Peer.login(u1, 0, IdentityKeyPair.generate(), retry), b = Peer.login(u2, 1, IdentityKeyPair.generate(), retry);
                // sender i's messages land in receiver i's table; with kill9 both receivers are on n3 and move
                // to the node of the other sender (A's to n2, B's to n1), so every relay stays cross-node
                Receiver recvA = new Receiver(perSender), recvB = new Receiver(perSender);
                Peer ra = Peer.login(kill9 ? u3 : u2, 9, IdentityKeyPair.generate(), false);
                Peer rb = Peer.login(kill9 ? u3 : u1, 9, IdentityKeyPair.generate(), false);
                ra.receiver = recvA;
                rb.receiver = recvB;
                Mover moveA = kill9 ? new Mover(ra, u2) : null, moveB = kill9 ? new Mover(rb, u1) : null;
                long[] sentAt = new long[perSender];
                long start = System.nanoTime(), interval = 2_000_000_000L / rate;
                long faultAt = start + 2_000_000_000L;
                CompletableFuture<long[]> faultDone = CompletableFuture.supplyAsync(() -> inject(redis, n3, fault, faultAt, faultMillis));
                for (int i = 0; i < perSender; i++) {
                    long due = start + i * interval, now;
                    while ((now = System.nanoTime()) < due) LockSupport.parkNanos(Math.min(due - now, 200_000));
                    sentAt[i] = System.nanoTime();
                    a.sendSeq(ra.id, i);
                    b.sendSeq(rb.id, i);
                }
                long[] window = faultDone.get(60, TimeUnit.SECONDS);
                long until = System.nanoTime() + 30_000_000_000L; // errors after a Redis timeout come late; resends later
                while (System.nanoTime() < until && !(a.settled(recvA, perSender) && b.settled(recvB, perSender))) Thread.sleep(20);
                Thread.sleep(1000); // late duplicates / late errors: counted, not waited for
                report(fault, round, "A n1->" + (kill9 ? "n3->n2" : "n2"), a, recvA, moveA, perSender, sentAt, start, window);
                report(fault, round, "B n2->" + (kill9 ? "n3->n1" : "n1"), b, recvB, moveB, perSender, sentAt, start, window);
                System.out.printf("fault %-7s run %d retries dropped by the receiving nodes (parley_relay_retries_dropped_total):"
                        + " f1 %d, f2 %d%n", fault, round, dropped(n1), dropped(n2));
                for (Peer p : List.of(a, b)) p.close();
                for (Mover m : new Mover[] {moveA, moveB}) if (m != null) m.close();
                ra.close();
                rb.close();
            } finally {
                if (n3 != null && n3.isAlive()) n3.destroyForcibly();
                n1.close();
                n2.close();
            }
        }
    }

    private static long dropped(SignalingServer s) {
        long n = 0;
        for (String l : s.metricsText().split("\n")) {
            if (l.startsWith("parley_relay_retries_dropped_total{")) n += (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
        }
        return n;
    }

    /** A node in a JVM of its own ({@code ServerMain}), with the in-process nodes' raised limits. */
    private static Process spawn(String redisUrl, String id) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.parley.server.ServerMain",
                "--port", "0", "--http-port", "-1", "--bind", "127.0.0.1", "--redis", redisUrl, "--node-id", id,
                "--messages-per-second", "20000", "--burst", "20000", "--recipient-messages-per-second", "20000",
                "--max-queued-messages", "100000", "--max-queued-bytes", Long.toString(256L << 20))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static int wsPort(Process p) throws Exception {
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
        return Integer.parseInt(m.group(1));
    }

    /** Waits for {@code at}, makes the fault, ends it; returns {fault start, fault end} in nanoTime. */
    private static long[] inject(RedisProcess redis, Process node, String fault, long at, int millis) {
        try {
            long now;
            while ((now = System.nanoTime()) < at) LockSupport.parkNanos(at - now);
            long t0 = System.nanoTime();
            switch (fault) {
                case "sigstop" -> {
                    redis.signal("STOP");
                    Thread.sleep(millis);
                    redis.signal("CONT");
                }
                case "pause" -> {
                    String ok = redis.command("CLIENT", "PAUSE", Integer.toString(millis), "ALL");
                    if (!"+OK".equals(ok)) throw new IllegalStateException("CLIENT PAUSE said " + ok);
                    Thread.sleep(millis);
                }
                case "restart" -> {
                    redis.kill();
                    redis.start();
                }
                case "kill9" -> { // the fault is the instant of the kill; the gap and reconnect are reported apart
                    Process k = new ProcessBuilder("kill", "-9", Long.toString(node.pid())).start();
                    if (!k.waitFor(5, TimeUnit.SECONDS) || k.exitValue() != 0) throw new IllegalStateException("kill -9 failed");
                    if (!node.waitFor(10, TimeUnit.SECONDS)) throw new IllegalStateException("node survived kill -9");
                }
                default -> throw new IllegalArgumentException("unknown fault " + fault + " (sigstop, pause, restart, kill9)");
            }
            return new long[] {t0, System.nanoTime()};
        } catch (Exception e) {
            throw new IllegalStateException("fault " + fault + " failed", e);
        }
    }

    /** One direction's figures (see the class comment). */
    record Tally(long delivered, long duplicated, long lost, long refusedFinally, Map<String, Long> byCode,
                 long refusedButDelivered, long erroredThenDelivered, long reordered, long reorderedResent, long lastBad) {}

    static Tally tally(Peer sender, Receiver r, int sent, long[] sentAt) {
        long delivered = 0, dup = 0, lost = 0, refusedDelivered = 0, erroredDelivered = 0, reordered = 0, reorderedResent = 0, lastBad = -1;
        Map<String, Long> byCode = new TreeMap<>();
        for (int i = 0; i < sent; i++) {
            int n = r.count.get(i);
            String last = sender.refused.get(i);
            boolean errored = sender.errored.contains(i);
            if (n > 0) delivered++;
            if (n > 1) dup += n - 1;
            if (last != null) byCode.merge(last, 1L, Long::sum);
            if (n > 0 && last != null) refusedDelivered++;
            if (n > 0 && errored) erroredDelivered++;
            if (n == 0 && last == null) lost++;
            if (r.late.get(i) != 0) {
                reordered++;
                if (sender.resends.containsKey(i)) reorderedResent++;
            }
            if ((n == 0 || errored) && sentAt[i] > lastBad) lastBad = sentAt[i];
        }
        long refusedFinally = byCode.values().stream().mapToLong(Long::longValue).sum();
        return new Tally(delivered, dup, lost, refusedFinally, byCode, refusedDelivered, erroredDelivered, reordered, reorderedResent, lastBad);
    }

    private static void report(String fault, int round, String dir, Peer sender, Receiver r, Mover mover, int sent, long[] sentAt,
                               long start, long[] window) {
        Tally t = tally(sender, r, sent, sentAt);
        double recovery = t.lastBad() < window[1] ? 0 : (t.lastBad() - window[1]) / 1e6;
        long resends = sender.resends.values().stream().mapToLong(AtomicInteger::get).sum();
        StringBuilder lostAt = new StringBuilder(); // when the first lost ones were sent, from the fault's start
        for (int i = 0, shown = 0; i < sent && shown < 5; i++) {
            if (r.count.get(i) == 0 && !sender.refused.containsKey(i)) {
                lostAt.append(shown++ == 0 ? " lost-at" : ",").append(String.format(" %+.0f ms", (sentAt[i] - window[0]) / 1e6));
            }
        }
        String moved = mover == null ? "" : String.format(" resumed %s reconnect %s", mover.resumed,
                mover.welcomeAt == 0 ? "none" : String.format("%.0f ms", (mover.welcomeAt - window[0]) / 1e6));
        System.out.printf("fault %-7s run %d %s sent %d delivered %d resends %d refused-finally %d %s lost %d duplicated %d"
                        + "%s reordered %d (resent %d) refused-but-delivered %d errored-then-delivered %d gap %.0f ms%s"
                        + " fault %.0f ms (from %.2f s) recovery %.0f ms other-errors %d%n",
                fault, round, dir, sent, t.delivered(), resends, t.refusedFinally(), t.byCode(), t.lost(), t.duplicated(),
                lostAt, t.reordered(), t.reorderedResent(), t.refusedButDelivered(), t.erroredThenDelivered(), r.maxGapNanos.get() / 1e6,
                moved, (window[1] - window[0]) / 1e6, (window[0] - start) / 1e9, recovery, sender.otherErrors.get());
    }

    private static URI uri(SignalingServer s) {
        return URI.create("ws://127.0.0.1:" + s.ports().wsPort() + "/");
    }

    /** Per-sender delivery table: how often each sequence number arrived, which arrived late, the longest gap. */
    static final class Receiver {
        final AtomicIntegerArray count, late;
        final AtomicLong highest = new AtomicLong(-1), total = new AtomicLong();
        final AtomicLong lastArrival = new AtomicLong(), maxGapNanos = new AtomicLong();

        Receiver(int n) {
            count = new AtomicIntegerArray(Math.max(n, 1));
            late = new AtomicIntegerArray(Math.max(n, 1));
        }

        void got(int seq) {
            if (seq < 0 || seq >= count.length()) return;
            long now = System.nanoTime(), before = lastArrival.getAndSet(now);
            if (before != 0) maxGapNanos.accumulateAndGet(now - before, Math::max);
            if (count.getAndIncrement(seq) == 0) total.incrementAndGet();
            long h = highest.get();
            if (seq < h) late.set(seq, 1);
            else highest.accumulateAndGet(seq, Math::max);
        }

        long delivered() {
            return total.get();
        }
    }

    /** kill9: when the receiver's connection drops, logs in again at once on {@code next} with the same key. */
    static final class Mover {
        final Peer first;
        final URI next;
        volatile Peer now;
        volatile boolean resumed;
        volatile long welcomeAt;

        Mover(Peer first, URI next) {
            this.first = first;
            this.next = next;
            first.onLost = () -> CompletableFuture.runAsync(this::move);
        }

        private void move() {
            try {
                Peer p = new Peer(next, first.sender, first.key, false);
                p.receiver = first.receiver;
                p.lastMark = first.lastMark; // as a client does: the node taking over redelivers only after it
                p.setTcpNoDelay(true);
                if (!p.connectBlocking(10, TimeUnit.SECONDS)) throw new IllegalStateException("no connection to " + next);
                Welcome w = p.welcome.get(10, TimeUnit.SECONDS);
                welcomeAt = System.nanoTime();
                resumed = w.resumed();
                now = p;
            } catch (Exception e) {
                System.out.println("  receiver could not move to " + next + ": " + e);
            }
        }

        void close() {
            Peer p = now;
            if (p != null) p.close();
        }
    }

    /** A logged-in raw client: sends numbered candidates, records errors by ref (resending if asked), and feeds a receiver table. */
    static final class Peer extends WebSocketClient {
        final IdentityKeyPair key;
        final PeerId id;
        final int sender;
        final boolean retry;
        final String host;
        final CompletableFuture<Welcome> welcome = new CompletableFuture<>();
        /** Per message: the last error, while no resend followed it (so: refused finally, at the end). */
        final Map<Integer, String> refused = new ConcurrentHashMap<>();
        /** Messages that got an error at some point, and how often each was resent. */
        final Set<Integer> errored = ConcurrentHashMap.newKeySet();
        final Map<Integer, AtomicInteger> resends = new ConcurrentHashMap<>();
        final AtomicInteger pending = new AtomicInteger();
        final AtomicLong otherErrors = new AtomicLong();
        volatile Receiver receiver;
        volatile Runnable onLost;
        private volatile PeerId lastTo;
        /** The delivery mark of the last relay received (docs/protocol.md § Delivery marks), returned in auth. */
        volatile String lastMark;

        Peer(URI uri, int sender, IdentityKeyPair key, boolean retry) {
            super(uri);
            this.key = key;
            this.id = key.publicKey().peerId();
            this.sender = sender;
            this.retry = retry;
            this.host = AuthPayload.authority(uri.getHost(), uri.getPort(), false);
            setConnectionLostTimeout(0);
        }

        static Peer login(URI uri, int sender, IdentityKeyPair key, boolean retry) throws Exception {
            Peer p = new Peer(uri, sender, key, retry);
            p.setTcpNoDelay(true);
            if (!p.connectBlocking(10, TimeUnit.SECONDS)) throw new IllegalStateException("no connection to " + uri);
            p.welcome.get(10, TimeUnit.SECONDS);
            return p;
        }

        void sendSeq(PeerId to, int seq) {
            lastTo = to;
            if (!isOpen()) {
                refused.put(seq, "socket_closed");
                return;
            }
            send(CODEC.encodeClient(new Candidate(to, null, "f" + sender + "-" + seq, ClusterBench.SESSION,
                    "candidate:1 1 udp 1 192.0.2.1 5000 typ host", "0", 0, null)));
        }

        /** Every message delivered or refused finally, and no resend waiting. */
        boolean settled(Receiver r, int sent) {
            return pending.get() == 0 && r.delivered() + refusedUndelivered(r, sent) >= sent;
        }

        private long refusedUndelivered(Receiver r, int sent) {
            long n = 0;
            for (int seq : refused.keySet()) if (seq < sent && r.count.get(seq) == 0) n++;
            return n;
        }

        @Override public void onOpen(ServerHandshake h) {}

        @Override
        public void onMessage(String text) {
            if (text.contains("\"type\":\"candidate\"")) {
                Matcher m = SEQ.matcher(text);
                Receiver r = receiver;
                if (m.find() && r != null) r.got(Integer.parseInt(m.group(2)));
                Matcher k = MARK.matcher(text);
                if (k.find()) lastMark = k.group(1);
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
                send(CODEC.encodeClient(new Auth(key.publicKey(), ch.nonce(), Base64Url.encode(sig), lastMark)));
            } else if (m instanceof Welcome w) {
                welcome.complete(w);
            } else if (m instanceof ErrorMessage e) {
                Matcher r = e.ref() == null ? null : REF.matcher(e.ref());
                if (r == null || !r.find()) {
                    otherErrors.incrementAndGet();
                    return;
                }
                int seq = Integer.parseInt(r.group(1));
                errored.add(seq);
                refused.put(seq, e.code().toString());
                boolean retryable = e.code() == ErrorCode.RELAY_FAILED || e.code() == ErrorCode.RECIPIENT_BUSY;
                AtomicInteger n = resends.computeIfAbsent(seq, k -> new AtomicInteger());
                if (retry && retryable && n.get() < MAX_RESENDS) {
                    long backoff = Math.min(1000, 50L << n.get());
                    pending.incrementAndGet();
                    RESENDS.schedule(() -> {
                        n.incrementAndGet();
                        refused.remove(seq); // a resend follows: not refused finally (unless it is refused too)
                        sendSeq(lastTo, seq);
                        pending.decrementAndGet();
                    }, backoff, TimeUnit.MILLISECONDS);
                } else if (n.get() == 0) {
                    resends.remove(seq, n);
                }
            }
        }

        @Override
        public void onClose(int code, String reason, boolean remote) {
            Runnable r = onLost;
            if (r != null) r.run();
        }

        @Override public void onError(Exception ex) {}
    }

    private ClusterFaults() {}
}
