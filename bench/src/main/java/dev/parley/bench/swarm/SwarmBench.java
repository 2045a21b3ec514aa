package dev.parley.bench.swarm;

import dev.parley.client.Direction;
import dev.parley.client.GroupFileEvent;
import dev.parley.client.GroupFileOffer;
import dev.parley.client.GroupId;
import dev.parley.client.ParleyClient;
import dev.parley.client.ParleyConfig;
import dev.parley.client.ParleyListener;
import dev.parley.client.PeerId;
import dev.parley.client.TransferId;
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
 * one uncapped holder gives the engine's raw one-holder throughput, alternated {@code --pairs} times with
 * today's 1:1 transfer of a same-size file between the same two clients (medians and their ratio).
 * Then: a round where one of two uncapped holders serves corrupted data (bytes received and thrown
 * away, i.e. fetched again, after it is caught), and {@code --heap-mib} MiB (0: skip) into a downloader
 * in its own {@code -Xmx64m} JVM ({@link SwarmReceiver}): its sampled and peak heap.
 * Usage: {@code SwarmBench [--mib 64] [--cap-mib 4] [--pairs 2] [--uncapped-only] [--no-corrupt] [--heap-mib 256]}
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

    record FileStarted(TransferId id, long atNanos) {}

    record FileDone(TransferId id, Path path, String sha256, long atNanos) {}

    record FileFailed(TransferId id, String reason) {}

    public static void main(String[] args) throws Exception {
        int mib = intArg(args, "--mib", 64), capMib = intArg(args, "--cap-mib", 4), pairs = intArg(args, "--pairs", 2);
        boolean capped = !List.of(args).contains("--uncapped-only");
        boolean corrupt = !List.of(args).contains("--no-corrupt");
        int heapMib = intArg(args, "--heap-mib", 256);
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
            if (capped) for (int k = 1; k <= 3; k++) round(m, g, root, mib, k, capMib * 1024L * 1024);
            // One uncapped holder against today's 1:1 transfer between the same two clients, alternated so
            // both see the same background load (the box is shared).
            m.get(3).client().autoAcceptFiles(m.get(0).client().peerId(), Long.MAX_VALUE);
            if (pairs > 0) compare(m, g, root, mib, pairs);
            if (corrupt) corruptRound(m, g, root, mib);
            if (heapMib > 0) heapRound(m, g, root, uri, heapMib);
        } finally {
            for (Member x : m) x.client().close();
            server.close();
        }
        System.exit(0);
    }

    /** One uncapped holder against today's 1:1 transfer, alternated {@code pairs} times after a warm-up pair. */
    static void compare(List<Member> m, GroupId g, Path root, int mib, int pairs) throws Exception {
        // A warm-up pair first, not counted: the first transfer of each kind runs partly interpreted.
        System.out.println("warm-up (not counted):");
        round(m, g, root, mib, 1, 0);
        direct(m.get(0), m.get(3), root, mib);
        List<Double> swarmRates = new ArrayList<>(), directRates = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            swarmRates.add(round(m, g, root, mib, 1, 0));
            directRates.add(direct(m.get(0), m.get(3), root, mib));
        }
        double sw = median(swarmRates), di = median(directRates);
        System.out.printf("RESULT one uncapped holder: swarm median %.1f MiB/s %s vs 1:1 median %.1f MiB/s %s = %.0f%% (target >= 90%%)%n",
                sw, fmt(swarmRates), di, fmt(directRates), 100 * sw / di);
    }

    static double round(List<Member> m, GroupId g, Path root, int mib, int holders, long cap) throws Exception {
        Path file = randomFile(root.resolve("file-" + holders + "-" + cap + "-" + System.nanoTime() + ".bin"), mib);
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
        for (Member x : m.subList(1, holders)) Files.deleteIfExists(x.client().downloadDir().resolve(file.getFileName()));
        Files.deleteIfExists(file);
        return mib / s;
    }

    /**
     * h1 holds the file, h2 fetches it and then has its copy overwritten with other bytes (served from
     * disk as written, so it now serves pieces that fail the tree); the downloader fetches from both,
     * uncapped. Prints when h2 was dropped and how many piece bytes the downloader threw away.
     */
    static void corruptRound(List<Member> m, GroupId g, Path root, int mib) throws Exception {
        Path file = randomFile(root.resolve("corrupt-" + System.nanoTime() + ".bin"), mib);
        for (Member x : m) x.client().setGroupFileUploadLimit(0);
        GroupFileOffer offer = m.get(0).client().shareFileToGroup(g, file);
        for (Member x : m.subList(1, 4)) x.await(GroupFileEvent.Offered.class, o -> o.file().equals(offer.id()), 60);
        Member bad = m.get(1), dl = m.get(3);
        bad.client().acceptGroupFile(offer.id());
        Path badCopy = bad.await(GroupFileEvent.Completed.class, c -> c.file().equals(offer.id()), 600).path();
        Random r = new Random(7);
        byte[] junk = new byte[1 << 20];
        try (var out = java.nio.channels.FileChannel.open(badCopy, java.nio.file.StandardOpenOption.WRITE)) {
            for (long pos = 0; pos < (long) mib << 20; pos += junk.length) {
                r.nextBytes(junk);
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(junk);
                while (b.hasRemaining()) out.write(b, pos + b.position());
            }
        }
        long before = dl.client().groupFileDiscardedBytes();
        long t0 = System.nanoTime();
        dl.client().acceptGroupFile(offer.id());
        String dropped = "not dropped";
        GroupFileEvent.Completed done = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
        while (done == null) {
            Object e = dl.events().poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (e == null) throw new IllegalStateException("corrupt round: no completion within 600 s");
            if (e instanceof GroupFileEvent.HolderDropped d && d.file().equals(offer.id())) {
                dropped = String.format("%s dropped (%s) after %.2f s", nameOf(m, d.holder()), d.reason(), (System.nanoTime() - t0) / 1e9);
            }
            if (e instanceof GroupFileEvent.Completed c && c.file().equals(offer.id())) done = c;
        }
        double s = (System.nanoTime() - t0) / 1e9;
        long discarded = dl.client().groupFileDiscardedBytes() - before;
        StringBuilder src = new StringBuilder();
        done.sources().forEach((p, b) -> src.append(' ').append(nameOf(m, p)).append('=').append(b).append('B'));
        System.out.printf("corrupt holder h2 + good holder h1, uncapped: %d MiB in %.2f s; %s; sources:%s; re-fetched %d B (%.2f MiB, %.1f%% of the file, piece size %d KiB); sha256 %s%n",
                mib, s, dropped, src, discarded, discarded / 1048576.0, 100.0 * discarded / ((long) mib << 20),
                dev.parley.protocol.swarm.SwarmMerkle.pieceSizeFor((long) mib << 20) / 1024, done.sha256Hex().equals(offer.sha256Hex()) ? "ok" : "MISMATCH");
        Files.deleteIfExists(done.path());
        Files.deleteIfExists(badCopy);
        Files.deleteIfExists(file);
    }

    /** {@code mib} MiB from one uncapped holder into a downloader in its own {@code -Xmx64m} JVM. */
    static void heapRound(List<Member> m, GroupId g, Path root, URI uri, int mib) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), SwarmReceiver.class.getName(), root.resolve("rx").toString(), uri.toString());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(root.resolve("rx.err").toFile())).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
                for (String l; (l = in.readLine()) != null; ) lines.add(l);
            } catch (java.io.IOException ignored) {
                // the child is gone
            }
            lines.add("EOF");
        }, "rx-reader");
        reader.setDaemon(true);
        reader.start();
        var toChild = new java.io.PrintWriter(new java.io.OutputStreamWriter(p.getOutputStream(), java.nio.charset.StandardCharsets.UTF_8), true);
        try {
            String[] ready = expect(lines, "READY ", 120).split(" ", 3);
            for (Member x : m) {
                x.client().addContact(ready[2], null);
                toChild.println("ADD " + x.client().contactString(x.name()));
                expect(lines, "OK", 60);
            }
            m.get(0).client().invite(g, List.of(PeerId.of(ready[1])));
            expect(lines, "JOINED ", 120);
            Path file = randomFile(root.resolve("heap-" + System.nanoTime() + ".bin"), mib);
            for (Member x : m) x.client().setGroupFileUploadLimit(0);
            GroupFileOffer offer = m.get(0).client().shareFileToGroup(g, file);
            toChild.println("FETCH " + offer.id().value());
            expect(lines, "ACCEPTED ", 120);
            String[] done = expect(lines, "DONE ", 1200).split(" ");
            System.out.printf("heap: %d MiB (%s B) into a downloader JVM with -Xmx64m (max heap %s MiB): %s s = %.1f MiB/s; used heap sampled every 50 ms: max %s MiB; heap pools' peaks summed: %s MiB; sha256 %s%n",
                    mib, done[2], done[6], done[1], mib / Double.parseDouble(done[1]), done[4], done[5], done[3].equals(offer.sha256Hex()) ? "ok" : "MISMATCH");
            Files.deleteIfExists(file);
        } finally {
            toChild.close();
            if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
        }
    }

    static String expect(BlockingQueue<String> lines, String prefix, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            String l = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (l == null) throw new IllegalStateException("receiver JVM: no '" + prefix + "' within " + seconds + " s");
            if (l.startsWith(prefix)) return l;
            if (l.startsWith("ERROR") || l.startsWith("FAILED") || l.equals("EOF")) throw new IllegalStateException("receiver JVM: " + l);
        }
    }

    /** Today's 1:1 transfer of a fresh file from {@code from} to {@code to}: the receiver's start to its verified completion, as § File transfers times it. */
    static double direct(Member from, Member to, Path root, int mib) throws Exception {
        Path file = randomFile(root.resolve("direct-" + System.nanoTime() + ".bin"), mib);
        TransferId id = from.client().sendFile(to.client().peerId(), file).get(120, TimeUnit.SECONDS);
        FileStarted started = to.await(FileStarted.class, f -> f.id().equals(id), 120);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(900);
        while (true) {
            Object e = to.events().poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (e == null) throw new IllegalStateException("1:1 transfer did not complete within 900 s");
            if (e instanceof FileFailed f && f.id().equals(id)) throw new IllegalStateException("1:1 transfer failed: " + f.reason());
            if (e instanceof FileDone d && d.id().equals(id)) {
                double s = (d.atNanos() - started.atNanos()) / 1e9;
                System.out.printf("1:1 transfer (same two clients): %d MiB in %.2f s = %.1f MiB/s; sha256 %s%n", mib, s, mib / s,
                        d.sha256().equals(dev.parley.protocol.crypto.Hashes.hex(sha256(file))) ? "ok" : "MISMATCH");
                Files.deleteIfExists(d.path());
                Files.deleteIfExists(file);
                return mib / s;
            }
        }
    }

    static Path randomFile(Path file, int mib) throws Exception {
        Random r = new Random(file.hashCode());
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < mib; i++) {
                r.nextBytes(chunk);
                out.write(chunk);
            }
        }
        return file;
    }

    static byte[] sha256(Path file) throws Exception {
        java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file)) {
            byte[] b = new byte[1 << 16];
            for (int n; (n = in.read(b)) > 0; ) d.update(b, 0, n);
        }
        return d.digest();
    }

    static String fmt(List<Double> xs) {
        return xs.stream().map(x -> String.format("%.1f", x)).toList().toString();
    }

    static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
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

            @Override
            public void onFileStarted(TransferId id, Direction direction, long offset) {
                if (direction == Direction.INCOMING) q.add(new FileStarted(id, System.nanoTime()));
            }

            @Override
            public void onFileCompleted(TransferId id, Direction direction, Path file, String sha256Hex) {
                if (direction == Direction.INCOMING) q.add(new FileDone(id, file, sha256Hex, System.nanoTime()));
            }

            @Override
            public void onFileFailed(TransferId id, Direction direction, String reason) {
                q.add(new FileFailed(id, reason));
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
