package dev.parley.bench.cluster;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.codec.WireCodec;
import dev.parley.protocol.crypto.AuthPayload;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.signal.Auth;
import dev.parley.protocol.signal.Candidate;
import dev.parley.protocol.signal.Challenge;
import dev.parley.protocol.signal.ErrorMessage;
import dev.parley.protocol.signal.ServerMessage;
import dev.parley.protocol.signal.Welcome;
import dev.parley.server.SignalingServer;
import dev.parley.testing.RedisProcess;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fault runs of {@code ./parley bench cluster} ({@code --faults sigstop,pause,restart|none}, {@code --faults-only}):
 * two nodes in this JVM on a Redis of the run's own ({@link RedisProcess}: so a restart here disturbs nothing
 * else), steady cross-node relaying in both directions (sender A on n1 to receiver on n2, sender B on n2 to a
 * receiver on n1, each message numbered per sender in its id), and during it one fault: Redis {@code SIGSTOP}
 * then {@code SIGCONT}, {@code CLIENT PAUSE ... ALL}, or Redis killed and restarted empty. Counts per run:
 * sent, delivered, refused with an error (by code, matched to the message by the error's {@code ref}),
 * lost = sent − delivered − refused, duplicated (one sender sequence number delivered twice), reordered
 * (delivered after a higher number of the same sender), refused-and-delivered (an error for a message that
 * did arrive: would make a client resend a duplicate), and recovery: from the end of the fault to the send
 * time of the last message that was refused or lost (0 when none was sent after the fault ended).
 */
final class ClusterFaults {
    private static final WireCodec CODEC = WireCodec.standard();
    private static final Pattern SEQ = Pattern.compile("\"id\":\"f(\\d)-(\\d+)\"");

    static void run(List<String> faults, int rate, int seconds, int faultMillis, int runs) throws Exception {
        System.out.printf("fault runs: %s, %d runs each, %d msgs/s in total cross-node (half each way), %d s per run,"
                + " fault at 2 s for %d ms%n", faults, runs, rate, seconds, faultMillis);
        for (String fault : faults) {
            for (int r = 0; r < runs; r++) one(fault, r, rate, seconds, faultMillis);
        }
    }

    private static void one(String fault, int round, int rate, int seconds, int faultMillis) throws Exception {
        try (RedisProcess redis = new RedisProcess()) {
            SignalingServer n1 = ClusterBench.node(redis.url(), "f1", 20_000), n2 = ClusterBench.node(redis.url(), "f2", 20_000);
            try {
                int perSender = (int) ((long) rate / 2 * seconds);
                Peer a = Peer.login(uri(n1), 0, perSender), b = Peer.login(uri(n2), 1, perSender);
                Peer ra = Peer.login(uri(n2), 9, 0), rb = Peer.login(uri(n1), 9, 0);
                // sender i's messages land in receiver i's tables
                Receiver recvA = new Receiver(perSender), recvB = new Receiver(perSender);
                ra.receiver = recvA;
                rb.receiver = recvB;
                long[] sentAt = new long[perSender];
                long start = System.nanoTime(), interval = 2_000_000_000L / rate;
                long faultAt = start + 2_000_000_000L;
                CompletableFuture<long[]> faultDone = CompletableFuture.supplyAsync(() -> inject(redis, fault, faultAt, faultMillis));
                for (int i = 0; i < perSender; i++) {
                    long due = start + i * interval, now;
                    while ((now = System.nanoTime()) < due) LockSupport.parkNanos(Math.min(due - now, 200_000));
                    sentAt[i] = System.nanoTime();
                    a.sendSeq(ra.id, i);
                    b.sendSeq(rb.id, i);
                }
                long[] window = faultDone.get(60, TimeUnit.SECONDS);
                long until = System.nanoTime() + 20_000_000_000L; // errors after a Redis timeout come late
                while (System.nanoTime() < until
                        && (recvA.delivered() + a.refusedCount() < perSender || recvB.delivered() + b.refusedCount() < perSender)) {
                    Thread.sleep(20);
                }
                Thread.sleep(1000); // late duplicates / late errors: counted, not waited for
                report(fault, round, "A n1->n2", a, recvA, perSender, sentAt, start, window);
                report(fault, round, "B n2->n1", b, recvB, perSender, sentAt, start, window);
                for (Peer p : List.of(a, b, ra, rb)) p.close();
            } finally {
                n1.close();
                n2.close();
            }
        }
    }

    /** Waits for {@code at}, makes the fault, ends it; returns {fault start, fault end} in nanoTime. */
    private static long[] inject(RedisProcess redis, String fault, long at, int millis) {
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
                default -> throw new IllegalArgumentException("unknown fault " + fault + " (sigstop, pause, restart)");
            }
            return new long[] {t0, System.nanoTime()};
        } catch (Exception e) {
            throw new IllegalStateException("fault " + fault + " failed", e);
        }
    }

    private static void report(String fault, int round, String dir, Peer sender, Receiver r, int sent, long[] sentAt,
                               long start, long[] window) {
        long delivered = 0, dup = 0, lost = 0, refusedDelivered = 0, lastBad = -1;
        for (int i = 0; i < sent; i++) {
            int n = r.count.get(i);
            boolean refused = sender.refused.containsKey(i);
            if (n > 0) delivered++;
            if (n > 1) dup += n - 1;
            if (n > 0 && refused) refusedDelivered++;
            if (n == 0 && !refused) lost++;
            if ((n == 0 || refused) && sentAt[i] > lastBad) lastBad = sentAt[i];
        }
        Map<String, Long> byCode = new TreeMap<>();
        sender.refused.values().forEach(c -> byCode.merge(c, 1L, Long::sum));
        double recovery = lastBad < window[1] ? 0 : (lastBad - window[1]) / 1e6;
        System.out.printf("fault %-7s run %d %s sent %d delivered %d refused %d %s lost %d duplicated %d reordered %d"
                        + " refused-but-delivered %d fault %.0f ms (from %.2f s) recovery %.0f ms other-errors %d%n",
                fault, round, dir, sent, delivered, sender.refused.size(), byCode, lost, dup, r.reordered.get(),
                refusedDelivered, (window[1] - window[0]) / 1e6, (window[0] - start) / 1e9, recovery, sender.otherErrors.get());
    }

    private static URI uri(SignalingServer s) {
        return URI.create("ws://127.0.0.1:" + s.ports().wsPort() + "/");
    }

    /** Per-sender delivery table: how often each sequence number arrived, and how many arrived out of order. */
    static final class Receiver {
        final AtomicIntegerArray count;
        final AtomicLong reordered = new AtomicLong(), highest = new AtomicLong(-1), total = new AtomicLong();

        Receiver(int n) {
            count = new AtomicIntegerArray(Math.max(n, 1));
        }

        void got(int seq) {
            if (seq < 0 || seq >= count.length()) return;
            if (count.getAndIncrement(seq) == 0) total.incrementAndGet();
            long h = highest.get();
            if (seq < h) reordered.incrementAndGet();
            else highest.accumulateAndGet(seq, Math::max);
        }

        long delivered() {
            return total.get();
        }
    }

    /** A logged-in raw client: sends numbered candidates, records errors by ref, and feeds a receiver table. */
    static final class Peer extends WebSocketClient {
        final IdentityKeyPair key = IdentityKeyPair.generate();
        final PeerId id = key.publicKey().peerId();
        final int sender;
        final String host;
        final CompletableFuture<Boolean> welcome = new CompletableFuture<>();
        final Map<Integer, String> refused = new ConcurrentHashMap<>();
        final AtomicLong otherErrors = new AtomicLong();
        volatile Receiver receiver;

        Peer(URI uri, int sender) {
            super(uri);
            this.sender = sender;
            this.host = AuthPayload.authority(uri.getHost(), uri.getPort(), false);
            setConnectionLostTimeout(0);
        }

        static Peer login(URI uri, int sender, int expected) throws Exception {
            Peer p = new Peer(uri, sender);
            p.setTcpNoDelay(true);
            if (!p.connectBlocking(10, TimeUnit.SECONDS)) throw new IllegalStateException("no connection to " + uri);
            p.welcome.get(10, TimeUnit.SECONDS);
            return p;
        }

        void sendSeq(PeerId to, int seq) {
            if (!isOpen()) {
                refused.put(seq, "socket_closed");
                return;
            }
            send(CODEC.encodeClient(new Candidate(to, null, "f" + sender + "-" + seq, ClusterBench.SESSION,
                    "candidate:1 1 udp 1 192.0.2.1 5000 typ host", "0", 0, null)));
        }

        long refusedCount() {
            return refused.size();
        }

        @Override public void onOpen(ServerHandshake h) {}

        @Override
        public void onMessage(String text) {
            if (text.contains("\"type\":\"candidate\"")) {
                Matcher m = SEQ.matcher(text);
                Receiver r = receiver;
                if (m.find() && r != null) r.got(Integer.parseInt(m.group(2)));
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
            } else if (m instanceof Welcome) {
                welcome.complete(true);
            } else if (m instanceof ErrorMessage e) {
                Matcher r = e.ref() == null ? null : Pattern.compile("^f\\d-(\\d+)$").matcher(e.ref());
                if (r != null && r.find()) refused.put(Integer.parseInt(r.group(1)), e.code().toString());
                else otherErrors.incrementAndGet();
            }
        }

        @Override public void onClose(int code, String reason, boolean remote) {}
        @Override public void onError(Exception ex) {}
    }

    private ClusterFaults() {}
}
