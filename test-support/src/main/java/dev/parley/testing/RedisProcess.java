package dev.parley.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} of the test's own: loopback, a free port, its own temp dir, no persistence
 * (so a restart comes back empty). Started and stopped by PID; ready once it says so on stdout.
 * Used by the cluster tests of signaling-server and client-core.
 */
public final class RedisProcess implements AutoCloseable {
    public static final String BINARY = "/usr/bin/redis-server";
    public final int port;
    private final Path dir;
    private Process process;

    public RedisProcess() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        dir = Files.createTempDirectory("parley-redis");
        start();
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    /** Starts (again) on the same port, with no data. */
    public void start() throws IOException {
        process = new ProcessBuilder(BINARY, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--protected-mode", "no")
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> {
            try {
                for (String l; (l = out.readLine()) != null; ) {
                    if (l.contains("Ready to accept connections")) {
                        Thread t = new Thread(() -> drain(out), "redis-out");
                        t.setDaemon(true);
                        t.start();
                        return true;
                    }
                }
            } catch (IOException e) {
                return false;
            }
            return false;
        });
        try {
            if (!ready.get(20, TimeUnit.SECONDS)) throw new IOException("redis-server did not start on " + port);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IOException("redis-server did not start on " + port, e);
        }
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) { /* keep the pipe from filling */ }
        } catch (IOException ignored) {
            // the process is gone
        }
    }

    public void signal(String sig) throws Exception {
        Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).start();
        if (!k.waitFor(5, TimeUnit.SECONDS) || k.exitValue() != 0) throw new IllegalStateException("kill -" + sig + " failed");
    }

    /** SIGKILL and wait: the data is gone with it. */
    public void kill() throws Exception {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** One command through redis-cli-free RESP: {@code INFO commandstats} etc. (small, for tests and bench). */
    public String command(String... args) throws IOException {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
            for (String a : args) b.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
            s.getOutputStream().write(b.toString().getBytes(StandardCharsets.UTF_8));
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String first = in.readLine();
            if (first.startsWith("$")) {
                int n = Integer.parseInt(first.substring(1));
                if (n < 0) return null;
                char[] buf = new char[n];
                int read = 0;
                while (read < n) read += in.read(buf, read, n - read);
                return new String(buf);
            }
            return first;
        }
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            signal("CONT");
            kill();
        }
    }
}
