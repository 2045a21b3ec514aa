package dev.parley.bench.chat;

import dev.parley.client.ChatMessage;
import dev.parley.client.MessageId;
import dev.parley.client.MessageState;
import dev.parley.client.ParleyClient;
import dev.parley.client.ParleyConfig;
import dev.parley.client.ParleyListener;
import dev.parley.client.PeerId;
import dev.parley.server.ServerConfig;
import dev.parley.server.SignalingServer;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Chat benchmark, everything real on one host: an embedded signaling server on loopback, two
 * {@link ParleyClient}s with their own profiles, SQLite and WebRTC stacks. Measures
 * (1) dial → chat channel open through the server, (2) send → ack round trip, (3) sustained
 * messages/s on one conversation (send as fast as possible until all are acked).
 *
 * <p>Usage: {@code ChatBench [--dials 20] [--pings 300] [--burst 5000] [--reps 3]}
 */
public final class ChatBench {
    public static void main(String[] args) throws Exception {
        int dials = intArg(args, "--dials", 20), pings = intArg(args, "--pings", 300), burst = intArg(args, "--burst", 5000),
                reps = intArg(args, "--reps", 3);
        Path root = Files.createTempDirectory("parley-chat-bench");
        SignalingServer server = new SignalingServer(ServerConfig.builder().bindAddress("127.0.0.1").port(0).httpPort(-1)
                .maxConnectionsPerIp(10_000).handshakesPerSecondPerIp(10_000).handshakeBurstPerIp(10_000).build());
        URI uri = URI.create("ws://127.0.0.1:" + server.start().wsPort());
        System.out.printf("chat bench: %d dials, %d pings, %d-message bursts, %d reps; JDK %s, %d cores%n",
                dials, pings, burst, reps, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        try {
            List<Double> dialMs = new ArrayList<>();
            for (int i = 0; i <= dials; i++) {
                double ms = dialOnce(root.resolve("dial-" + i), uri);
                if (i > 0) dialMs.add(ms); // the first one warms the JIT and the native library
            }
            report("dial_to_chat_open_ms", dialMs);

            Recorder ra = new Recorder(), rb = new Recorder();
            try (ParleyClient a = open(root.resolve("a"), uri, ra); ParleyClient b = open(root.resolve("b"), uri, rb)) {
                befriend(a, b);
                a.connect(b.peerId());
                awaitConnected(a, b.peerId());
                for (int rep = 1; rep <= reps; rep++) {
                    List<Double> rtt = new ArrayList<>();
                    for (int i = 0; i < pings + 50; i++) {
                        long t0 = System.nanoTime();
                        ChatMessage m = a.send(b.peerId(), "ping " + i);
                        ra.awaitDelivered(m.id());
                        if (i >= 50) rtt.add((System.nanoTime() - t0) / 1e6);
                    }
                    report("send_to_ack_ms rep=" + rep, rtt);
                }
                for (int rep = 1; rep <= reps; rep++) {
                    long t0 = System.nanoTime();
                    ChatMessage last = null;
                    for (int i = 0; i < burst; i++) last = a.send(b.peerId(), "burst " + rep + " message " + i);
                    long stored = System.nanoTime();
                    ra.awaitDelivered(last.id());
                    double secs = (System.nanoTime() - t0) / 1e9;
                    System.out.printf("RESULT sustained_msgs_per_s rep=%d value=%.0f (%d messages stored+sent+acked in %.2f s; storing alone %.2f s)%n",
                            rep, burst / secs, burst, secs, (stored - t0) / 1e9);
                }
            }
        } finally {
            server.close();
        }
        System.exit(0); // WebRTC's native threads are non-daemon
    }

    static double dialOnce(Path dir, URI uri) throws Exception {
        Recorder ra = new Recorder(), rb = new Recorder();
        try (ParleyClient a = open(dir.resolve("a"), uri, ra); ParleyClient b = open(dir.resolve("b"), uri, rb)) {
            befriend(a, b);
            ra.online.await(10, TimeUnit.SECONDS);
            rb.online.await(10, TimeUnit.SECONDS);
            long t0 = System.nanoTime();
            if (!a.connect(b.peerId())) throw new IllegalStateException("cannot dial");
            awaitConnected(a, b.peerId());
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    static void awaitConnected(ParleyClient a, PeerId b) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!a.isConnected(b)) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("no chat channel within 30 s");
            LockSupport.parkNanos(50_000); // 0.05 ms resolution is plenty for a dial
        }
    }

    static ParleyClient open(Path dir, URI uri, Recorder r) throws Exception {
        ParleyClient c = ParleyClient.open(ParleyConfig.builder(dir).server(uri).build(), r);
        c.start();
        return c;
    }

    static void befriend(ParleyClient a, ParleyClient b) {
        a.addContact(b.contactString("b").toString(), null);
        b.addContact(a.contactString("a").toString(), null);
    }

    static void report(String name, List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        System.out.printf("RESULT %s n=%d median=%.2f p95=%.2f min=%.2f max=%.2f%n", name, s.size(), pct(s, 50), pct(s, 95),
                s.get(0), s.get(s.size() - 1));
    }

    static double pct(List<Double> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    static int intArg(String[] args, String name, int def) {
        for (int i = 0; i < args.length - 1; i++) if (args[i].equals(name)) return Integer.parseInt(args[i + 1]);
        return def;
    }

    /** Counts logins and waits for acks. */
    static final class Recorder implements ParleyListener {
        final CountDownLatch online = new CountDownLatch(1);
        final Map<MessageId, CountDownLatch> waiting = new ConcurrentHashMap<>();
        final Map<MessageId, Boolean> delivered = new ConcurrentHashMap<>();

        @Override
        public void onServerState(dev.parley.client.ServerStatus status) {
            if (status.online()) online.countDown();
        }

        @Override
        public void onMessageState(MessageId id, PeerId peer, MessageState state) {
            if (state == MessageState.DELIVERED || state == MessageState.READ) {
                delivered.put(id, true);
                CountDownLatch l = waiting.remove(id);
                if (l != null) l.countDown();
            }
        }

        void awaitDelivered(MessageId id) throws InterruptedException {
            CountDownLatch l = new CountDownLatch(1);
            waiting.put(id, l);
            if (delivered.containsKey(id)) return;
            if (!l.await(120, TimeUnit.SECONDS)) throw new IllegalStateException("no ack for " + id);
        }
    }
}
