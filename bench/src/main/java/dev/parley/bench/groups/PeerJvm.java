package dev.parley.bench.groups;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link GroupPeer} child JVM as the bench sees it: its commands, and what it sent and showed (by tag). */
final class PeerJvm {
    record Shown(long nanos, String id, String tag, long sentNanos) {}

    final String name;
    private final Process process;
    private final PrintWriter in;
    private final BlockingQueue<String> control = new LinkedBlockingQueue<>();
    // Guarded by this:
    private final List<Shown> shown = new ArrayList<>();
    private final Map<String, List<String>> sent = new HashMap<>();
    private final Map<String, Integer> shownByTag = new HashMap<>();
    String peerId, contact;

    private PeerJvm(String name, Process process) {
        this.name = name;
        this.process = process;
        this.in = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
        Thread t = new Thread(this::read, "peer-" + name);
        t.setDaemon(true);
        t.start();
    }

    static PeerJvm launch(String name, Path root, URI server) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx192m", "-XX:+UseSerialGC"));
        // e.g. -Dparley.bench.peerFlags=-XX:StartFlightRecording=filename=/tmp/peer.jfr,settings=profile (%n: the member's name)
        String extra = System.getProperty("parley.bench.peerFlags", "");
        for (String f : extra.split(" ")) if (!f.isBlank()) cmd.add(f.replace("%n", name));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), GroupPeer.class.getName(), root.resolve(name).toString(), server.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(ProcessBuilder.Redirect.appendTo(root.resolve(name + ".err").toFile()));
        return new PeerJvm(name, pb.start());
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("SHOWN ")) {
                    String[] w = line.split(" ");
                    // SHOWN nanos id tag i sentNanos
                    Shown s = new Shown(Long.parseLong(w[1]), w[2], w[3], w.length > 5 ? Long.parseLong(w[5]) : 0);
                    synchronized (this) {
                        shown.add(s);
                        shownByTag.merge(s.tag(), 1, Integer::sum);
                        notifyAll();
                    }
                } else if (line.startsWith("SENT ")) {
                    String[] w = line.split(" ");
                    synchronized (this) {
                        sent.computeIfAbsent(w[1], k -> new ArrayList<>()).add(w[2]);
                    }
                } else {
                    control.add(line);
                }
            }
        } catch (Exception ignored) {
            // the child is gone
        }
        control.add("EOF");
    }

    void awaitReady() throws Exception {
        String r = awaitControl("READY ", 90);
        String[] w = r.split(" ", 3);
        peerId = w[1];
        contact = w[2];
    }

    void send(String line) {
        in.println(line);
    }

    /** Sends a command and returns its answer line (starting with {@code prefix}). */
    String cmd(String line, String prefix) throws Exception {
        send(line);
        return awaitControl(prefix, 60);
    }

    String awaitControl(String prefix, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            String l = control.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (l == null) throw new IllegalStateException(name + ": no '" + prefix + "' within " + seconds + " s");
            if (l.startsWith(prefix)) return l;
            if (l.startsWith("ERROR") || l.equals("EOF")) throw new IllegalStateException(name + ": " + l + " (waiting for '" + prefix + "')");
        }
    }

    synchronized void awaitShown(String tag, int n, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (shownByTag.getOrDefault(tag, 0) < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) throw new IllegalStateException(name + ": shown " + shownByTag.getOrDefault(tag, 0) + " of " + n + " '" + tag + "' within " + seconds + " s");
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    synchronized List<String> sent(String tag) {
        return List.copyOf(sent.getOrDefault(tag, List.of()));
    }

    synchronized List<String> shownIds(String tag) {
        return shown.stream().filter(s -> s.tag().equals(tag)).map(Shown::id).toList();
    }

    synchronized int shownCount() {
        return shown.size();
    }

    synchronized long firstShownNanos(String tag) {
        return shown.stream().filter(s -> s.tag().equals(tag)).mapToLong(Shown::nanos).min().orElseThrow();
    }

    /** Send → display in ms of the other members' messages of {@code tag}. */
    synchronized List<Double> latenciesMs(String tag) {
        Set<String> own = new HashSet<>(sent.getOrDefault(tag, List.of()));
        return shown.stream().filter(s -> s.tag().equals(tag) && !own.contains(s.id())).map(s -> (s.nanos() - s.sentNanos()) / 1e6).toList();
    }

    List<String> history(String gid) throws Exception {
        String h = cmd("HISTORY " + gid, "HISTORY ");
        String[] w = h.split(" ", 3);
        return w.length < 3 ? List.of() : List.of(w[2].split(","));
    }

    /** CPU time the child has used so far (user + system). */
    long cpuNanos() {
        return process.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
    }

    /** Asks it to close cleanly (stdin closed) and waits for it to exit. */
    void stop() throws Exception {
        in.close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " did not exit within 60 s");
        }
    }

    /** At the end: a clean exit if it comes within 20 s (so profiles are written), else kill -9. */
    void finish() {
        in.close();
        try {
            if (process.waitFor(20, TimeUnit.SECONDS)) return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
    }
}
