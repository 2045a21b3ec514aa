package dev.parley.bench.swarm;

import dev.parley.client.GroupFileEvent;
import dev.parley.client.GroupFileOffer;
import dev.parley.client.GroupId;
import dev.parley.client.ParleyClient;
import dev.parley.client.ParleyConfig;
import dev.parley.client.ParleyListener;
import dev.parley.client.PeerId;
import dev.parley.server.ServerConfig;
import dev.parley.server.SignalingServer;

import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Swarm benchmark (docs/benchmarks.md § Swarm files), in one JVM on loopback: an embedded signaling
 * server, three holders and one downloader (real ParleyClients, real WebRTC, real profiles) in one
 * group. Per round k = 1, 2, 3: a fresh file is shared by the first holder, holders 2..k fetch it
 * (uncapped, not timed), then every holder's upload is capped at {@code --cap-mib} MiB/s and the
 * downloader fetches it from the k holders: its time, rate and bytes per source. A last round with
 * one uncapped holder gives the engine's raw one-holder throughput.
 * Usage: {@code SwarmBench [--mib 64] [--cap-mib 4]}
 */
public final class SwarmBench {
    record Member(String name, ParleyClient client, BlockingQueue<Object> events) {
        <T> T await(Class<T> type, Predicate<T> test, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                Object e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (e == null) throw new IllegalStateException(name + ": no " + type.getSimpleName() + " within " + seconds + " s");
                if (type.isInstance(e) && test.test(type.cast(e))) return type.cast(e);
            }
        }
    }

    record Invited(GroupId group) {}

    public static void main(String[] args) throws Exception {
        int mib = intArg(args, "--mib", 64), capMib = intArg(args, "--cap-mib", 4);
        Path root = Files.createTempDirectory("parley-swarm-bench");
        SignalingServer server = new SignalingServer(ServerConfig.builder().bindAddress("127.0.0.1").port(0).httpPort(-1).build());
        URI uri = URI.create("ws://127.0.0.1:" + server.start().wsPort());
        System.out.printf("swarm bench: %d MiB file, holders capped at %d MiB/s each; JDK %s, %d cores%n", mib, capMib,
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        List<Member> m = new ArrayList<>();
        try {
            for (String n : List.of("h1", "h2", "h3", "dl")) m.add(member(n, root, uri));
            for (Member a : m) {
                for (Member b : m) if (a != b) a.client().addContact(b.client().contactString(b.name()).toString(), null);
            }
            GroupId g = m.get(0).client().createGroup("bench").id();
            m.get(0).client().invite(g, m.subList(1, 4).stream().map(x -> x.client().peerId()).toList());
            for (Member x : m.subList(1, 4)) {
                x.await(Invited.class, i -> i.group().equals(g), 60);
                x.client().acceptGroup(g);
            }
            for (int k = 1; k <= 3; k++) round(m, g, root, mib, k, capMib * 1024L * 1024);
            round(m, g, root, mib, 1, 0);
        } finally {
            for (Member x : m) x.client().close();
            server.close();
        }
        System.exit(0);
    }

    static void round(List<Member> m, GroupId g, Path root, int mib, int holders, long cap) throws Exception {
        Path file = root.resolve("file-" + holders + "-" + cap + ".bin");
        Random r = new Random(holders);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < mib; i++) {
                r.nextBytes(chunk);
                out.write(chunk);
            }
        }
        for (Member x : m) x.client().setGroupFileUploadLimit(0);
        GroupFileOffer offer = m.get(0).client().shareFileToGroup(g, file);
        for (Member x : m.subList(1, 4)) x.await(GroupFileEvent.Offered.class, o -> o.file().equals(offer.id()), 60);
        for (Member x : m.subList(1, holders)) {
            x.client().acceptGroupFile(offer.id());
            x.await(GroupFileEvent.Completed.class, c -> c.file().equals(offer.id()), 600);
        }
        for (Member x : m.subList(0, holders)) x.client().setGroupFileUploadLimit(cap);
        Member dl = m.get(3);
        long t0 = System.nanoTime();
        dl.client().acceptGroupFile(offer.id());
        GroupFileEvent.Completed done = dl.await(GroupFileEvent.Completed.class, c -> c.file().equals(offer.id()), 900);
        double s = (System.nanoTime() - t0) / 1e9;
        StringBuilder src = new StringBuilder();
        for (Map.Entry<dev.parley.client.PeerId, Long> e : done.sources().entrySet()) {
            src.append(' ').append(nameOf(m, e.getKey())).append('=').append(e.getValue() / (1024 * 1024)).append("MiB");
        }
        System.out.printf("%d holder(s)%s: %d MiB in %.2f s = %.1f MiB/s; sources:%s; sha256 %s%n", holders,
                cap == 0 ? " uncapped" : " capped " + cap / (1024 * 1024) + " MiB/s each", mib, s, mib / s, src,
                done.sha256Hex().equals(offer.sha256Hex()) ? "ok" : "MISMATCH");
        Files.deleteIfExists(done.path());
    }

    static String nameOf(List<Member> m, PeerId p) {
        return m.stream().filter(x -> x.client().peerId().equals(p)).map(Member::name).findFirst().orElse(p.shortForm());
    }

    static Member member(String name, Path root, URI uri) throws Exception {
        BlockingQueue<Object> q = new LinkedBlockingQueue<>();
        ParleyListener l = new ParleyListener() {
            @Override
            public void onGroupInvited(GroupId group, String n, PeerId from) {
                q.add(new Invited(group));
            }
        };
        ParleyClient c = ParleyClient.open(ParleyConfig.builder(root.resolve(name)).server(uri).build(), l);
        c.addGroupFileListener(q::add);
        c.start();
        return new Member(name, c, q);
    }

    static int intArg(String[] args, String name, int def) {
        for (int i = 0; i + 1 < args.length; i++) if (args[i].equals(name)) return Integer.parseInt(args[i + 1]);
        return def;
    }
}
