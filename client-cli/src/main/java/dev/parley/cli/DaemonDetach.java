package dev.parley.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code parley daemon --detach}: runs this same command line again without {@code --detach} (and with
 * {@code --json}) as a new process in its own session ({@code setsid}: no terminal, no SIGHUP when the
 * terminal closes), its stdin from /dev/null and its stderr appended to {@code <profile>/daemon-stderr.log};
 * waits until it prints {@code ready}, prints that, and returns, leaving it running. If it exits first,
 * what it wrote to stderr is shown and its exit code returned.
 */
final class DaemonDetach {
    static final String STDERR_LOG = "daemon-stderr.log";
    private static final long READY_TIMEOUT_SECONDS = 60;

    private DaemonDetach() {}

    static int start(Profile profile, SharedOptions.Context context, boolean json) throws IOException, InterruptedException {
        PrintWriter out = context.out();
        List<String> self = commandLine();
        if (self.size() < 2) {
            throw new CliException(ExitCodes.INTERNAL, "--detach cannot see this process's command line; run 'parley daemon &' or under systemd (docs/api.md)");
        }
        List<String> command = new ArrayList<>();
        File setsid = new File("/usr/bin/setsid");
        if (setsid.canExecute()) command.add(setsid.getPath());
        command.add(ProcessHandle.current().info().command().orElse(self.get(0))); // the java binary, absolute
        boolean hasJson = false;
        boolean dropped = false;
        for (String a : self.subList(1, self.size())) {
            if (!dropped && a.equals("--detach")) {
                dropped = true;
                continue;
            }
            if (a.equals("--json")) hasJson = true;
            command.add(a);
        }
        if (!dropped) throw new CliException(ExitCodes.INTERNAL, "--detach: cannot find the option in this process's command line");
        if (!hasJson) command.add("--json");

        Path stderr = profile.dir().resolve(STDERR_LOG);
        Files.createDirectories(profile.dir());
        long before = Files.exists(stderr) ? Files.size(stderr) : 0;
        Process child = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile())).start();
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.contains("\"ready\"")) {
                        ready.complete(line);
                        return; // the pipe stays open until this process exits; the daemon's later lines go nowhere
                    }
                }
                ready.complete(null);
            } catch (IOException e) {
                ready.complete(null);
            }
        }, "parley-detach-reader");
        reader.setDaemon(true);
        reader.start();
        String line;
        try {
            line = ready.get(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            child.destroy();
            throw new CliException(ExitCodes.INTERNAL, "the daemon (pid " + child.pid() + ") did not serve within " + READY_TIMEOUT_SECONDS
                    + " s, so it was stopped; see " + stderr + " and the profile's parley.log");
        } catch (ExecutionException e) {
            throw new CliException(ExitCodes.INTERNAL, "--detach: " + e.getCause().getMessage());
        }
        if (line == null) {
            int code = child.waitFor(10, TimeUnit.SECONDS) ? child.exitValue() : ExitCodes.INTERNAL;
            String said = newText(stderr, before).strip();
            context.err().println(said.isEmpty() ? "the daemon exited (" + code + ") before it served; see the profile's parley.log" : said);
            context.err().flush();
            return code == 0 ? ExitCodes.INTERNAL : code;
        }
        JsonNode r = Json.MAPPER.readTree(line);
        if (json) {
            out.println(line);
        } else {
            out.println("Parley daemon serving " + r.path("url").asText() + " (pid " + r.path("pid").asLong() + "), detached");
            out.println("Status: 'parley daemon --status'   Stop: 'parley daemon --stop'   Its errors: " + stderr);
        }
        out.flush();
        return ExitCodes.OK;
    }

    /**
     * This JVM's own command line, java first: {@code /proc/self/cmdline} (ProcessHandle's arguments are
     * empty for a long class path), else what ProcessHandle knows.
     */
    private static List<String> commandLine() {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
            List<String> parts = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == 0) {
                    parts.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            if (!parts.isEmpty()) return parts;
        } catch (IOException e) {
            // not Linux: fall through
        }
        ProcessHandle.Info info = ProcessHandle.current().info();
        List<String> parts = new ArrayList<>();
        info.command().ifPresent(parts::add);
        info.arguments().ifPresent(a -> parts.addAll(List.of(a)));
        return parts;
    }

    private static String newText(Path file, long from) {
        try {
            byte[] all = Files.readAllBytes(file);
            return new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
