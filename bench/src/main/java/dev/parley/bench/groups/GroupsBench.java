package dev.parley.bench.groups;

import dev.parley.server.ServerConfig;
import dev.parley.server.SignalingServer;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Group benchmark (docs/benchmarks.md § Groups), everything real on one host: an embedded signaling
 * server on loopback and {@code --members} {@link GroupPeer} JVMs, each with its own profile, SQLite
 * and WebRTC stack, in one group founded by the first.
 * <ol>
 *   <li>per round ({@code --interval-ms}, one round per value; 0 = back to back), every member posts
 *       {@code --messages} at once: send → display latency at every other member, lost / duplicated
 *       messages and whether every member's history has the same order, CPU per message per member;</li>
 *   <li>catch-up: the last member exits, the founder posts {@code --catchup} messages, everyone but
 *       one member exits, the last member comes back and fetches them all from that one member.</li>
 * </ol>
 * Usage: {@code GroupsBench [--members 5] [--messages 200] [--interval-ms 0,20] [--catchup 1000]}
 */
public final class GroupsBench {
    public static void main(String[] args) throws Exception {
        int members = intArg(args, "--members", 5), perMember = intArg(args, "--messages", 200), catchup = intArg(args, "--catchup", 1000);
        List<Long> intervals = Arrays.stream(strArg(args, "--interval-ms", "0,20").split(",")).map(Long::parseLong).toList();
        Path root = Files.createTempDirectory("parley-groups-bench");
        SignalingServer server = new SignalingServer(ServerConfig.builder().bindAddress("127.0.0.1").port(0).httpPort(-1).build());
        URI uri = URI.create("ws://127.0.0.1:" + server.start().wsPort());
        System.out.printf("groups bench: %d members (separate JVMs), %d messages each per round, intervals %s ms, catch-up %d; JDK %s, %d cores, load %s%n",
                members, perMember, intervals, catchup, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), loadavg());
        List<PeerJvm> peers = new ArrayList<>();
        try {
            for (int i = 0; i < members; i++) peers.add(PeerJvm.launch("m" + i, root, uri));
            for (PeerJvm p : peers) p.awaitReady();
            PeerJvm founder = peers.get(0);
            for (PeerJvm p : peers.subList(1, members)) {
                founder.cmd("ADD " + p.contact, "OK");
                p.cmd("ADD " + founder.contact, "OK");
            }
            String gid = founder.cmd("CREATE bench", "GROUP ").substring(6);
            StringBuilder invite = new StringBuilder("INVITE " + gid);
            for (PeerJvm p : peers.subList(1, members)) invite.append(' ').append(p.peerId);
            founder.cmd(invite.toString(), "OK");
            for (PeerJvm p : peers.subList(1, members)) {
                p.awaitControl("INVITED " + gid, 60);
                p.cmd("ACCEPT " + gid, "OK");
            }
            // Warm-up: sessions between every pair, the JIT, SQLite's caches.
            round(peers, gid, "warm", 20, 0, false);
            for (int r = 0; r < intervals.size(); r++) round(peers, gid, "run" + r, perMember, intervals.get(r), true);
            catchUp(peers, gid, catchup, root, uri);
        } finally {
            for (PeerJvm p : peers) p.finish();
            server.close();
        }
        System.exit(0);
    }

    /** Every member posts {@code n} messages at once; waits until every member shows all of them, then reports. */
    static void round(List<PeerJvm> peers, String gid, String tag, int n, long intervalMs, boolean report) throws Exception {
        int total = n * peers.size();
        long[] cpu0 = new long[peers.size()];
        for (int i = 0; i < peers.size(); i++) cpu0[i] = peers.get(i).cpuNanos();
        long t0 = System.nanoTime();
        for (PeerJvm p : peers) p.send("SEND " + gid + " " + n + " " + tag + " " + intervalMs * 1000);
        for (PeerJvm p : peers) p.awaitShown(tag, total, 600);
        double wall = (System.nanoTime() - t0) / 1e9;
        for (PeerJvm p : peers) p.awaitControl("SENDDONE " + tag, 60);
        if (!report) return;
        System.out.printf("round %s: %d members x %d messages, one every %d ms per member, all shown everywhere in %.2f s (%.0f messages/s); load %s%n",
                tag, peers.size(), n, intervalMs, wall, total / wall, loadavg());
        Set<String> sent = new HashSet<>();
        for (PeerJvm p : peers) sent.addAll(p.sent(tag));
        List<Double> all = new ArrayList<>();
        List<String> firstHistory = null;
        boolean sameOrder = true;
        long lost = 0, dup = 0;
        for (int i = 0; i < peers.size(); i++) {
            PeerJvm p = peers.get(i);
            List<Double> lat = p.latenciesMs(tag);
            all.addAll(lat);
            Set<String> shown = new HashSet<>(p.shownIds(tag));
            long l = sent.stream().filter(id -> !shown.contains(id)).count(), d = p.shownIds(tag).size() - shown.size();
            lost += l;
            dup += d;
            List<String> h = p.history(gid);
            if (firstHistory == null) firstHistory = h;
            else if (!h.equals(firstHistory)) sameOrder = false;
            double cpuMs = (p.cpuNanos() - cpu0[i]) / 1e6;
            System.out.printf("RESULT %s member=%s send_to_display_ms %s lost=%d duplicated=%d cpu_ms=%.0f cpu_ms_per_message=%.2f%n",
                    tag, p.name, stats(lat), l, d, cpuMs, cpuMs / total);
        }
        System.out.printf("RESULT %s all_members send_to_display_ms %s lost=%d duplicated=%d same_order=%b history_length=%d%n",
                tag, stats(all), lost, dup, sameOrder, firstHistory.size());
    }

    /**
     * The last member exits; the founder posts {@code n}; every member but the second exits (the author
     * too); the last member comes back and gets all {@code n} from the second alone.
     */
    static void catchUp(List<PeerJvm> peers, String gid, int n, Path root, URI uri) throws Exception {
        PeerJvm late = peers.get(peers.size() - 1), founder = peers.get(0), source = peers.get(1);
        late.stop();
        long t0 = System.nanoTime();
        founder.send("SEND " + gid + " " + n + " catch 0");
        for (PeerJvm p : peers.subList(0, peers.size() - 1)) p.awaitShown("catch", n, 600);
        System.out.printf("catch-up: %d posted by the founder and stored by the %d members online in %.2f s%n", n, peers.size() - 1,
                (System.nanoTime() - t0) / 1e9);
        founder.awaitControl("SENDDONE catch", 60);
        Set<String> sent = new HashSet<>(founder.sent("catch"));
        for (PeerJvm p : peers) {
            if (p != source && p != late) p.stop();
        }
        long sourceCpu0 = source.cpuNanos();
        long start = System.nanoTime();
        PeerJvm back = PeerJvm.launch(late.name, root, uri);
        peers.set(peers.size() - 1, back);
        back.awaitReady();
        long ready = System.nanoTime(), lateCpu0 = back.cpuNanos();
        back.awaitShown("catch", n, 600);
        long done = System.nanoTime();
        long first = back.firstShownNanos("catch");
        Set<String> shown = new HashSet<>(back.shownIds("catch"));
        long lost = sent.stream().filter(id -> !shown.contains(id)).count();
        // Everything it showed before it exited must not come again.
        long again = back.shownCount() - back.shownIds("catch").size() + (back.shownIds("catch").size() - shown.size());
        boolean sameOrder = back.history(gid).equals(source.history(gid));
        double secs = (done - first) / 1e9;
        System.out.printf("RESULT catchup messages=%d start_to_ready_s=%.2f ready_to_first_s=%.2f first_to_last_s=%.2f messages_per_s=%.0f"
                        + " ready_to_last_s=%.2f messages_per_s_from_ready=%.0f lost=%d shown_twice=%d same_order=%b cpu_ms_per_message (from ready) late=%.2f source=%.2f; load %s%n",
                n, (ready - start) / 1e9, (first - ready) / 1e9, secs, n / secs, (done - ready) / 1e9, n / ((done - ready) / 1e9), lost, again,
                sameOrder, (back.cpuNanos() - lateCpu0) / 1e6 / n, (source.cpuNanos() - sourceCpu0) / 1e6 / n, loadavg());
    }

    static String stats(List<Double> xs) {
        if (xs.isEmpty()) return "n=0";
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return String.format("n=%d p50=%.1f p90=%.1f p99=%.1f max=%.1f", s.size(), pct(s, 50), pct(s, 90), pct(s, 99), s.get(s.size() - 1));
    }

    static double pct(List<Double> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)));
    }

    static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim().split(" ", 4)[0];
        } catch (Exception e) {
            return "?";
        }
    }

    static int intArg(String[] args, String name, int def) {
        return Integer.parseInt(strArg(args, name, Integer.toString(def)));
    }

    static String strArg(String[] args, String name, String def) {
        for (int i = 0; i < args.length - 1; i++) if (args[i].equals(name)) return args[i + 1];
        return def;
    }
}
