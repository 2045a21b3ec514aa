package dev.parley.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A Linux network namespace joined to this host by a veth pair on 198.51.100.0/30 (TEST-NET-2, RFC
 * 5737): host side .1, namespace side .2. Lets a test run a peer "on another host" and cut the path
 * between them. Needs root (CI runs as root); everything it creates is removed by {@link #close()}.
 * The namespace is {@code parley-<hex>}; {@code PARLEY_TEST_NETNS_PREFIX} replaces {@code parley} (an
 * engineer sharing the machine tells its namespaces from the others').
 */
final class NetworkNamespace implements AutoCloseable {
    /**
     * Which /30 of 198.51.100.0/24 this run uses: {@code PARLEY_TEST_NETNS_SLOT} = N (0..63) puts the host
     * side on .4N+1 and the namespace on .4N+2, so two engineers' namespace tests on one machine do not
     * fight over the addresses and the blackhole routes. Default 0 (.1 and .2).
     */
    private static final int SLOT = slot();
    static final String HOST_IP = "198.51.100." + (4 * SLOT + 1);
    static final String NS_IP = "198.51.100." + (4 * SLOT + 2);

    final String name;
    private final String hostIf;
    private final String nsIf;
    private boolean cut;

    NetworkNamespace() throws IOException, InterruptedException {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("network-namespace tests need root (CI runs as root); run ./parley test as root");
        }
        String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        name = System.getenv().getOrDefault("PARLEY_TEST_NETNS_PREFIX", "parley") + "-" + tag;
        hostIf = "pv" + tag + "h";
        nsIf = "pv" + tag + "n";
        ip("netns", "add", name);
        ip("link", "add", hostIf, "type", "veth", "peer", "name", nsIf);
        ip("link", "set", nsIf, "netns", name);
        ip("addr", "add", HOST_IP + "/30", "dev", hostIf);
        ip("link", "set", hostIf, "up");
        ip("netns", "exec", name, "ip", "addr", "add", NS_IP + "/30", "dev", nsIf);
        ip("netns", "exec", name, "ip", "link", "set", nsIf, "up");
        ip("netns", "exec", name, "ip", "link", "set", "lo", "up");
    }

    private static int slot() {
        int n = Integer.parseInt(System.getenv().getOrDefault("PARLEY_TEST_NETNS_SLOT", "0"));
        if (n < 0 || n > 63) throw new IllegalArgumentException("PARLEY_TEST_NETNS_SLOT must be 0..63, was " + n);
        return n;
    }

    /** The command, run inside the namespace. */
    List<String> exec(List<String> command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", name));
        c.addAll(command);
        return c;
    }

    /** Drops everything between host and namespace, both ways (blackhole routes: sends fail at once). */
    void cut() throws IOException, InterruptedException {
        ip("route", "add", "blackhole", NS_IP + "/32");
        ip("netns", "exec", name, "ip", "route", "add", "blackhole", HOST_IP + "/32");
        cut = true;
    }

    void restore() throws IOException, InterruptedException {
        ip("route", "del", "blackhole", NS_IP + "/32");
        ip("netns", "exec", name, "ip", "route", "del", "blackhole", HOST_IP + "/32");
        cut = false;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (cut) {
            run(List.of("ip", "route", "del", "blackhole", NS_IP + "/32"));
        }
        run(List.of("ip", "link", "del", hostIf)); // also removes the namespace end
        run(List.of("ip", "netns", "del", name));
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of("ip"));
        c.addAll(List.of(args));
        String out = run(c);
        if (out != null) throw new IOException(String.join(" ", c) + " failed: " + out);
    }

    /** Runs a command; null on success, its output on failure. */
    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out";
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return p.exitValue() == 0 ? null : out + " (exit " + p.exitValue() + ")";
    }
}
