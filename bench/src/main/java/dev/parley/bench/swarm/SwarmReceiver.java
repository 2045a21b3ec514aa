package dev.parley.bench.swarm;

import dev.parley.client.GroupFileEvent;
import dev.parley.client.GroupId;
import dev.parley.client.ParleyClient;
import dev.parley.client.ParleyConfig;
import dev.parley.client.ParleyListener;
import dev.parley.client.PeerId;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A downloader in its own JVM (the heap figure of {@link SwarmBench}: started with {@code -Xmx64m}),
 * driven over stdin/stdout. Usage: {@code SwarmReceiver PROFILE_DIR SERVER_URI}. Prints
 * {@code READY <peer id> <contact string>}; then {@code ADD <contact string>} adds a contact
 * ({@code OK}); {@code FETCH <file>} accepts that group file once it is offered ({@code ACCEPTED <file>},
 * heap peaks reset then). It joins every group it is invited to ({@code JOINED <gid>}). While a file downloads the used heap
 * is sampled every 50 ms; on completion it prints
 * {@code DONE <seconds> <bytes> <sha256> <max sampled used MiB> <pool peak sum MiB> <max heap MiB>}, the
 * file is deleted. {@code FAILED <reason>} otherwise. Exits when stdin closes.
 */
public final class SwarmReceiver {
    private static final PrintStream OUT = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
    private static final AtomicLong maxUsed = new AtomicLong();
    private static volatile long startNanos;
    private static volatile boolean sampling;
    private static volatile String wanted;
    private static final java.util.Set<String> offered = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final java.util.concurrent.atomic.AtomicBoolean fetching = new java.util.concurrent.atomic.AtomicBoolean();

    /** Accepts the file once (from the command or the offer, whichever comes second), heap peaks reset first. */
    private static void fetch(ParleyClient c, String file) {
        if (!fetching.compareAndSet(false, true)) return;
        new Thread(() -> {
            for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) p.resetPeakUsage();
            maxUsed.set(0);
            sampling = true;
            startNanos = System.nanoTime();
            c.acceptGroupFile(dev.parley.client.GroupMessageId.of(file));
            say("ACCEPTED " + file);
        }, "bench-accept").start();
    }

    static synchronized void say(String line) {
        OUT.println(line);
    }

    public static void main(String[] args) throws Exception {
        ParleyClient[] self = new ParleyClient[1];
        ParleyClient c = ParleyClient.open(ParleyConfig.builder(Path.of(args[0])).server(URI.create(args[1])).build(),
                new ParleyListener() {
                    @Override
                    public void onGroupInvited(GroupId group, String name, PeerId from) {
                        new Thread(() -> {
                            self[0].acceptGroup(group);
                            say("JOINED " + group.value());
                        }, "bench-join").start();
                    }
                });
        self[0] = c;
        c.addGroupFileListener(e -> {
            if (e instanceof GroupFileEvent.Offered o) {
                offered.add(o.file().value()); // the group's earlier offers come too: only the one asked for is fetched
                if (o.file().value().equals(wanted)) fetch(c, wanted);
            } else if (e instanceof GroupFileEvent.Completed d) {
                double s = (System.nanoTime() - startNanos) / 1e9;
                sampling = false;
                long peaks = 0;
                for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                    if (p.getType() == MemoryType.HEAP) peaks += p.getPeakUsage().getUsed();
                }
                long bytes;
                try {
                    bytes = Files.size(d.path());
                    Files.deleteIfExists(d.path());
                } catch (java.io.IOException x) {
                    bytes = -1;
                }
                say(String.format("DONE %.2f %d %s %d %d %d", s, bytes, d.sha256Hex(), maxUsed.get() >> 20, peaks >> 20,
                        Runtime.getRuntime().maxMemory() >> 20));
            } else if (e instanceof GroupFileEvent.Failed f) {
                say("FAILED " + f.reason());
            }
        });
        Thread sampler = new Thread(() -> {
            Runtime rt = Runtime.getRuntime();
            while (true) {
                if (sampling) maxUsed.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
                try {
                    Thread.sleep(50); // a sampling period, not synchronisation
                } catch (InterruptedException x) {
                    return;
                }
            }
        }, "bench-heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
        c.start();
        say("READY " + c.peerId().value() + " " + c.contactString(null));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.split(" ");
            try {
                if (w[0].equals("ADD")) {
                    c.addContact(w[1], null);
                    say("OK");
                } else if (w[0].equals("FETCH")) {
                    wanted = w[1];
                    if (offered.contains(wanted)) fetch(c, wanted);
                } else {
                    say("ERROR unknown command " + w[0]);
                }
            } catch (RuntimeException e) {
                say("ERROR " + e);
            }
        }
        c.close();
        System.exit(0); // WebRTC's native threads are non-daemon
    }
}
