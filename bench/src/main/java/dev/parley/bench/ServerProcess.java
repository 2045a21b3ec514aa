package dev.parley.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The signaling server as a separate JVM, so its RSS and CPU are its own. Started with the bench's
 * own classpath; its output goes to a log file; its ports come from the line it prints once bound.
 * Stopped by its PID (SIGTERM, then SIGKILL after a grace period), also from a shutdown hook.
 */
final class ServerProcess implements AutoCloseable {
    final Process process;
    final long pid;
    final int wsPort, httpPort;
    final List<String> command;
    final Path log;
    private final Thread hook;

    private ServerProcess(Process p, List<String> command, Path log, int wsPort, int httpPort) {
        this.process = p;
        this.pid = p.pid();
        this.command = command;
        this.log = log;
        this.wsPort = wsPort;
        this.httpPort = httpPort;
        this.hook = new Thread(() -> stop(Duration.ofSeconds(3)), "stop-server");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Starts {@code mainClass} with {@code jvmFlags} and {@code args}, waits up to {@code timeout} for
     * it to print its ports, and returns it. {@code portLine} has two groups: WebSocket port, HTTP port.
     */
    static ServerProcess start(List<String> jvmFlags, String classpath, String mainClass, List<String> args,
                               Pattern portLine, Path log, Duration timeout) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(args);
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        CompletableFuture<int[]> ports = new CompletableFuture<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter w = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
                String line;
                while ((line = r.readLine()) != null) {
                    w.println(line);
                    if (!ports.isDone()) {
                        Matcher m = portLine.matcher(line);
                        if (m.find()) ports.complete(new int[]{Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
                    }
                }
            } catch (IOException ignored) {
            } finally {
                ports.completeExceptionally(new IOException("server exited before printing its ports; see " + log));
            }
        }, "server-log");
        pump.setDaemon(true);
        pump.start();
        try {
            int[] pp = ports.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new ServerProcess(p, cmd, log, pp[0], pp[1]);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IOException("server did not report its ports within " + timeout + " (" + e.getMessage() + "); see " + log, e);
        }
    }

    /** GETs a path on the server's HTTP port; returns the body, or null on any failure. */
    String http(String path) {
        try {
            HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() / 100 == 2 ? r.body() : null;
        } catch (Exception e) {
            return null;
        } 
    }

    boolean waitHealthy(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) return false;
            if (http("/healthz") != null) return true;
            Thread.sleep(100);
        }
        return false;
    }

    /** Runs {@code jcmd <pid> <command...>} and returns its output (empty on failure). */
    String jcmd(String... command) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        cmd.add(Long.toString(pid));
        cmd.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(60, TimeUnit.SECONDS);
            return out;
        } catch (Exception e) {
            return "";
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM to our PID, then SIGKILL if it has not exited within {@code grace}. */
    synchronized void stop(Duration grace) {
        if (!process.isAlive()) return;
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
    }
}
