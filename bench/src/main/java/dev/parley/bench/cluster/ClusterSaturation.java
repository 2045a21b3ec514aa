package dev.parley.bench.cluster;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.codec.WireCodec;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.signal.Candidate;
import dev.parley.server.SignalingServer;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Saturation: for 1, 2 and 3 nodes (in this JVM, one Redis), {@code pairs} senders per node, each relaying
 * as fast as it can to a receiver on the next node (1 node: the same one) with at most {@code window}
 * relays unanswered, so the nodes, not the senders' buffers, set the pace. Delivered msgs/s over the
 * measured seconds (after a warm-up), per node and in all, with the latency at that load, the errors
 * (recipient_busy and the like) and Redis commands per message. Prints raw lines for docs/benchmarks.md.
 */
final class ClusterSaturation {
    private static final WireCodec CODEC = WireCodec.standard();

    private ClusterSaturation() {}

    static void run(ClusterBench.RedisProc redis, List<Integer> nodeCounts, int seconds, int reps, int pairsPerNode, int window)
            throws Exception {
        System.out.printf("saturation: %d sender(s) per node, window %d, %d s per run after a 2 s warm-up, %d run(s) per size%n",
                pairsPerNode, window, seconds, reps);
        for (int n : nodeCounts) {
            List<SignalingServer> nodes = new ArrayList<>();
            List<ClusterBench.Client> clients = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) nodes.add(ClusterBench.node(redis.url(), "s" + n + "-" + i, 1_000_000));
                List<Pair> pairs = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    for (int p = 0; p < pairsPerNode; p++) {
                        ClusterBench.Client from = ClusterBench.Client.login(uri(nodes.get(i)), IdentityKeyPair.generate());
                        ClusterBench.Client to = ClusterBench.Client.login(uri(nodes.get((i + 1) % n)), IdentityKeyPair.generate());
                        clients.add(from);
                        clients.add(to);
                        pairs.add(new Pair(from, to));
                    }
                }
                phase(n, "warmup", pairs, 2, window, redis);
                for (int r = 1; r <= reps; r++) phase(n, "run " + r, pairs, seconds, window, redis);
            } finally {
                for (ClusterBench.Client c : clients) c.close();
                for (SignalingServer s : nodes) s.close();
            }
        }
    }

    private record Pair(ClusterBench.Client from, ClusterBench.Client to) {}

    private static void phase(int n, String label, List<Pair> pairs, int seconds, int window, ClusterBench.RedisProc redis) throws Exception {
        for (Pair p : pairs) {
            p.to.latencies.clear();
            p.to.received.set(0);
            p.from.errors.set(0);
        }
        AtomicLong sent = new AtomicLong();
        running = true;
        List<Thread> senders = new ArrayList<>();
        for (Pair p : pairs) {
            Thread t = new Thread(() -> blast(p, window, sent), "saturate");
            t.setDaemon(true);
            senders.add(t);
        }
        Map<String, Long> before = redis.commandstats();
        long t0 = System.nanoTime();
        for (Thread t : senders) t.start();
        Thread.sleep(500); // ramp-up: not counted
        long startCount = delivered(pairs), start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long endCount = delivered(pairs), end = System.nanoTime();
        running = false;
        for (Thread t : senders) t.join(10_000);
        long until = System.nanoTime() + 5_000_000_000L;
        while (delivered(pairs) + errors(pairs) < sent.get() && System.nanoTime() < until) Thread.sleep(5);
        Map<String, Long> d = ClusterBench.delta(before, redis.commandstats());
        long commands = d.values().stream().mapToLong(Long::longValue).sum();
        List<Long> all = new ArrayList<>();
        for (Pair p : pairs) all.addAll(p.to.latencies);
        long[] l = all.stream().mapToLong(Long::longValue).sorted().toArray();
        double rate = (endCount - startCount) / ((end - start) / 1e9);
        System.out.printf("saturation nodes %d %-6s delivered %8.0f msgs/s = %7.0f per node  sent %d delivered %d errors %d lost %d"
                        + "  p50 %.2f ms p99 %.2f ms  redis %.2f cmds/msg  (%.1f s)%n",
                n, label, rate, rate / n, sent.get(), delivered(pairs), errors(pairs), sent.get() - delivered(pairs) - errors(pairs),
                ClusterBench.pct(l, 50), ClusterBench.pct(l, 99), commands / (double) Math.max(1, delivered(pairs)), (System.nanoTime() - t0) / 1e9);
    }

    /** Senders run while set (one phase at a time). */
    private static volatile boolean running;

    private static void blast(Pair p, int window, AtomicLong sentAll) {
        PeerId target = p.to.key.publicKey().peerId();
        String text = CODEC.encodeClient(new Candidate(target, null, "c0", ClusterBench.SESSION,
                "candidate:1 1 udp 1 192.0.2.1 5000 typ host", "0", 0, null));
        int at = text.indexOf("\"id\":\"c0\"") + "\"id\":\"c".length();
        String head = text.substring(0, at), tail = text.substring(at + 1);
        long sent = 0;
        while (running) {
            if (sent - p.to.received.get() - p.from.errors.get() >= window) {
                LockSupport.parkNanos(20_000);
                continue;
            }
            p.from.send(head + System.nanoTime() + tail);
            sent++;
            sentAll.incrementAndGet();
        }
    }

    private static long delivered(List<Pair> pairs) {
        long s = 0;
        for (Pair p : pairs) s += p.to.received.get();
        return s;
    }

    private static long errors(List<Pair> pairs) {
        long s = 0;
        for (Pair p : pairs) s += p.from.errors.get();
        return s;
    }

    private static URI uri(SignalingServer s) {
        return URI.create("ws://127.0.0.1:" + s.ports().wsPort() + "/");
    }
}
