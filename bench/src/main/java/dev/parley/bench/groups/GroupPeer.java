package dev.parley.bench.groups;

import dev.parley.client.GroupId;
import dev.parley.client.GroupPost;
import dev.parley.client.ParleyClient;
import dev.parley.client.ParleyConfig;
import dev.parley.client.ParleyListener;
import dev.parley.client.PeerId;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One group member in its own JVM, driven over stdin/stdout by {@link GroupsBench}. Usage:
 * {@code GroupPeer PROFILE_DIR SERVER_URI}. Prints {@code READY <peer id> <contact string>} once
 * started; then per line on stdin:
 * <ul>
 *   <li>{@code ADD <contact string>} adds a contact, prints {@code OK};</li>
 *   <li>{@code CREATE <name>} prints {@code GROUP <gid>}; {@code INVITE <gid> <peer>...} and
 *       {@code ACCEPT <gid>} print {@code OK};</li>
 *   <li>{@code SEND <gid> <n> <tag> <intervalMicros>} posts n messages with body
 *       {@code <tag> <i> <System.nanoTime()>} (nanoTime is one clock for every JVM on a Linux host),
 *       printing {@code SENT <tag> <id>} per message and {@code SENDDONE <tag>};</li>
 *   <li>{@code HISTORY <gid>} prints {@code HISTORY <n> <id,id,...>} in display order.</li>
 * </ul>
 * Events: {@code INVITED <gid>}, {@code SHOWN <nanoTime> <id> <body>} per shown group message.
 * Exits when stdin closes (after {@code CLOSED}).
 */
public final class GroupPeer {
    private static final PrintStream OUT = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);

    static synchronized void say(String line) {
        OUT.println(line);
    }

    public static void main(String[] args) throws Exception {
        ParleyClient c = ParleyClient.open(ParleyConfig.builder(Path.of(args[0])).server(URI.create(args[1])).build(),
                new ParleyListener() {
                    @Override
                    public void onGroupInvited(GroupId group, String name, PeerId from) {
                        say("INVITED " + group.value());
                    }

                    @Override
                    public void onGroupMessage(GroupPost post) {
                        say("SHOWN " + System.nanoTime() + " " + post.id().value() + " " + post.text());
                    }
                });
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
                    case "SEND" -> send(c, GroupId.of(w[1]), Integer.parseInt(w[2]), w[3], Long.parseLong(w[4]));
                    case "HISTORY" -> {
                        List<GroupPost> h = c.groupHistory(GroupId.of(w[1]), null, 1_000_000);
                        StringBuilder sb = new StringBuilder();
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

    /** Posts {@code n} messages, one every {@code intervalMicros} (0: back to back), on a thread of its own. */
    private static void send(ParleyClient c, GroupId g, int n, String tag, long intervalMicros) {
        Thread t = new Thread(() -> {
            long next = System.nanoTime();
            for (int i = 0; i < n; i++) {
                if (intervalMicros > 0) {
                    long wait = next - System.nanoTime();
                    if (wait > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    next += intervalMicros * 1000;
                }
                GroupPost p = c.sendToGroup(g, tag + " " + i + " " + System.nanoTime());
                say("SENT " + tag + " " + p.id().value());
            }
            say("SENDDONE " + tag);
        }, "bench-sender");
        t.start();
    }
}
