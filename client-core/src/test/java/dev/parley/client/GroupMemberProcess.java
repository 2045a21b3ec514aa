package dev.parley.client;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A group member in its own JVM, for tests that kill members for real (kill -9) and restart them on
 * the same profile. Usage: {@code GroupMemberProcess PROFILE_DIR SERVER_URI}. It acknowledges events
 * by hand ({@code manualAck}), the way an app that wants exactly-once display does: it "displays" a
 * group message by printing {@code SHOWN <seq> <id> <text>}, then acknowledges, then prints
 * {@code ACKED <seq>} (durable from then on). Prints {@code READY <peer id> <contact string>} once
 * started, {@code INVITED <gid>} per invitation. Commands on stdin, one a line: {@code ADD <contact>},
 * {@code CREATE <name>} ({@code GROUP <gid>}), {@code INVITE <gid> <peer>...}, {@code ACCEPT <gid>}
 * ({@code OK}), {@code SEND <gid> <n> <tag>} ({@code SENT <tag> <id>} each, then {@code SENDDONE <tag>}),
 * {@code HISTORY <gid>} ({@code HISTORY <n> <id,...>}). Exits when stdin closes.
 */
public final class GroupMemberProcess {
    private static final PrintStream OUT = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);

    static synchronized void say(String line) {
        OUT.println(line);
    }

    public static void main(String[] args) throws Exception {
        ParleyClient[] self = new ParleyClient[1];
        ParleyClient c = ParleyClient.open(ParleyConfig.builder(Path.of(args[0])).server(URI.create(args[1])).manualAck(true).build(),
                new ParleyListener() {
                    @Override
                    public void onEvent(ParleyEvent e) {
                        if (e instanceof ParleyEvent.GroupInvited g) say("INVITED " + g.group().value());
                        if (e instanceof ParleyEvent.GroupMessageAdded m) say("SHOWN " + m.seq() + " " + m.post().id().value() + " " + m.post().text());
                        if (e instanceof ParleyEvent.Stored s) {
                            self[0].ack(s.seq());
                            say("ACKED " + s.seq());
                        }
                    }
                });
        self[0] = c;
        c.start();
        say("READY " + c.peerId().value() + " " + c.contactString(null));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.split(" ");
            try {
                switch (w[0]) {
                    case "ADD" -> {
                        c.addContact(w[1], null);
                        say("OK");
                    }
                    case "CREATE" -> say("GROUP " + c.createGroup(w[1]).id().value());
                    case "INVITE" -> {
                        List<PeerId> peers = new ArrayList<>();
                        for (int i = 2; i < w.length; i++) peers.add(PeerId.of(w[i]));
                        c.invite(GroupId.of(w[1]), peers);
                        say("OK");
                    }
                    case "ACCEPT" -> {
                        c.acceptGroup(GroupId.of(w[1]));
                        say("OK");
                    }
                    case "SEND" -> {
                        for (int i = 0; i < Integer.parseInt(w[2]); i++) say("SENT " + w[3] + " " + c.sendToGroup(GroupId.of(w[1]), w[3] + " " + i).id().value());
                        say("SENDDONE " + w[3]);
                    }
                    case "HISTORY" -> {
                        StringBuilder sb = new StringBuilder();
                        List<GroupPost> h = c.groupHistory(GroupId.of(w[1]), null, 100_000);
                        for (GroupPost p : h) sb.append(sb.isEmpty() ? "" : ",").append(p.id().value());
                        say("HISTORY " + h.size() + " " + sb);
                    }
                    default -> say("ERROR unknown command " + w[0]);
                }
            } catch (RuntimeException e) {
                say("ERROR " + e);
            }
        }
        c.close();
        say("CLOSED");
        System.exit(0); // WebRTC's native threads are non-daemon
    }

    /** One shown message as the test saw it. */
    record Shown(long seq, String id, String tag) {}

    /** The test's side of one member process (one run of it: a restart is a new {@code Child} on the same profile). */
    static final class Child {
        final String name;
        final Process process;
        private final PrintWriter in;
        private final BlockingQueue<String> control = new LinkedBlockingQueue<>();
        // Guarded by this:
        private final List<Shown> shown = new ArrayList<>();
        private final Map<String, List<String>> sent = new HashMap<>();
        private long lastAcked;
        String peerId, contact;

        Child(String name, Path profile, URI server, Path errFile) throws Exception {
            this.name = name;
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx160m",
                    "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    GroupMemberProcess.class.getName(), profile.toString(), server.toString());
            pb.redirectError(ProcessBuilder.Redirect.appendTo(errFile.toFile()));
            process = pb.start();
            in = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
            Thread t = new Thread(this::read, "member-" + name);
            t.setDaemon(true);
            t.start();
            String r = await("READY ", 90);
            peerId = r.split(" ")[1];
            contact = r.split(" ")[2];
        }

        private void read() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    String[] w = line.split(" ");
                    synchronized (this) {
                        switch (w[0]) {
                            case "SHOWN" -> shown.add(new Shown(Long.parseLong(w[1]), w[2], w[3]));
                            case "ACKED" -> lastAcked = Math.max(lastAcked, Long.parseLong(w[1]));
                            case "SENT" -> sent.computeIfAbsent(w[1], k -> new ArrayList<>()).add(w[2]);
                            default -> control.add(line);
                        }
                        notifyAll();
                    }
                }
            } catch (Exception ignored) {
                // the process is gone
            }
            control.add("EOF");
        }

        String cmd(String line, String answerPrefix) throws Exception {
            in.println(line);
            return await(answerPrefix, 60);
        }

        String await(String prefix, int seconds) throws Exception {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                String l = control.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (l == null) throw new AssertionError(name + ": no '" + prefix + "' within " + seconds + " s");
                if (l.startsWith(prefix)) return l;
                if (l.startsWith("ERROR") || l.equals("EOF")) throw new AssertionError(name + ": " + l + " while waiting for '" + prefix + "'");
            }
        }

        /** Waits until at least {@code n} messages tagged {@code tag} were shown (counting repeats). */
        synchronized void awaitShown(String tag, int n, int seconds) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (shown(tag).size() < n) {
                long left = end - System.nanoTime();
                if (left <= 0) throw new AssertionError(name + " showed " + shown(tag).size() + " of " + n + " '" + tag + "' messages");
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        synchronized List<Shown> shown(String tag) {
            return shown.stream().filter(s -> s.tag().equals(tag)).toList();
        }

        synchronized List<Shown> shown() {
            return List.copyOf(shown);
        }

        synchronized long lastAcked() {
            return lastAcked;
        }

        synchronized List<String> sent(String tag) {
            return List.copyOf(sent.getOrDefault(tag, List.of()));
        }

        List<String> history(String gid) throws Exception {
            String[] w = cmd("HISTORY " + gid, "HISTORY ").split(" ", 3);
            return w.length < 3 ? List.of() : List.of(w[2].split(","));
        }

        /** A clean exit: stdin closed, the client closes, the process exits. */
        void stop() throws Exception {
            in.close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError(name + " did not exit within 60 s");
        }

        /** kill -9. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Every message id shown, with the seqs it was shown under (a display app keeps the first per seq). */
    static Map<String, java.util.Set<Long>> seqsById(List<Shown> shown) {
        Map<String, java.util.Set<Long>> out = new LinkedHashMap<>();
        for (Shown s : shown) out.computeIfAbsent(s.id(), k -> new java.util.TreeSet<>()).add(s.seq());
        return out;
    }

    private GroupMemberProcess() {}
}
