package dev.parley.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** {@code parley ARGS} in its own JVM, as a script runs it: lines of stdout and stderr, and the exit code. */
final class CliProcess {
    private final Process process;
    private final List<String> args;
    private final BlockingQueue<String> outLines = new LinkedBlockingQueue<>();
    private final List<String> out = new ArrayList<>();
    private final List<String> err = new ArrayList<>();
    private final Thread outPump;
    private final Thread errPump;

    private CliProcess(List<String> args, Path workDir) throws IOException {
        this.args = args;
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (workDir != null) pb.directory(workDir.toFile());
        pb.environment().remove("PARLEY_HOME");
        pb.environment().remove("PARLEY_SERVER");
        process = pb.start();
        process.getOutputStream().close();
        outPump = pump(process.getInputStream(), line -> {
            synchronized (out) {
                out.add(line);
            }
            outLines.add(line);
        });
        errPump = pump(process.getErrorStream(), line -> {
            synchronized (err) {
                err.add(line);
            }
        });
    }

    static CliProcess start(String... args) throws IOException {
        return new CliProcess(List.of(args), null);
    }

    /** As {@link #start}, in {@code workDir} (relative paths in the arguments resolve there). */
    static CliProcess startIn(Path workDir, String... args) throws IOException {
        return new CliProcess(List.of(args), workDir);
    }

    /** Runs to completion (bounded) and returns the finished process. */
    static CliProcess run(long timeoutSeconds, String... args) throws IOException, InterruptedException {
        CliProcess p = start(args);
        p.awaitExit(timeoutSeconds);
        return p;
    }

    /** The arguments {@code --profile PROFILE --server URL} followed by {@code args}: a command aimed at a profile and a test server. */
    static String[] as(Path profile, String url, String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "--profile";
        all[1] = profile.toString();
        all[2] = "--server";
        all[3] = url;
        System.arraycopy(args, 0, all, 4, args.length);
        return all;
    }

    private static Thread pump(InputStream in, java.util.function.Consumer<String> sink) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) sink.accept(line);
            } catch (IOException ignored) {
                // process gone
            }
        }, "cli-pump");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The next stdout line matching, waiting at most {@code seconds}; fails the test with everything seen otherwise. */
    String awaitLine(Predicate<String> match, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            String line = outLines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line != null && match.test(line)) return line;
            if (line == null) throw new AssertionError("no matching line within " + seconds + " s from " + this);
        }
    }

    int awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("did not exit within " + seconds + " s: " + this);
        }
        outPump.join(5_000);
        errPump.join(5_000);
        return process.exitValue();
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitCode() {
        return process.exitValue();
    }

    /** The contact string this finished {@code parley id --json} printed; asserts that it exited 0. */
    String contactString() throws IOException {
        org.assertj.core.api.Assertions.assertThat(exitCode()).as(toString()).isZero();
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(out().get(0)).get("contact").asText();
    }

    List<String> out() {
        synchronized (out) {
            return List.copyOf(out);
        }
    }

    List<String> err() {
        synchronized (err) {
            return List.copyOf(err);
        }
    }

    /** After {@link #kill()}: waits for the process to be gone, without asserting how it ended. */
    void awaitExitQuietly(long seconds) throws InterruptedException {
        process.waitFor(seconds, TimeUnit.SECONDS);
    }

    void kill() {
        process.destroyForcibly();
    }

    @Override
    public String toString() {
        return "parley " + String.join(" ", args) + "\n  stdout: " + out() + "\n  stderr: " + err()
                + (process.isAlive() ? "" : "\n  exit: " + process.exitValue());
    }
}
