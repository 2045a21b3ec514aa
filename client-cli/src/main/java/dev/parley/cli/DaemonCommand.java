package dev.parley.cli;

import dev.parley.client.ParleyClient;
import dev.parley.daemon.ApiJson;
import dev.parley.daemon.ApiToken;
import dev.parley.daemon.Daemon;
import dev.parley.daemon.DaemonConfig;
import dev.parley.daemon.DaemonEvents;
import dev.parley.daemon.DaemonFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code parley daemon}: owns the profile in the foreground, stays logged in and serves the local API
 * (docs/api.md) on 127.0.0.1. {@code --status} and {@code --stop} talk to the one already running.
 */
@Command(name = "daemon", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run Parley for this profile in the foreground and serve the local API (HTTP + WebSocket on 127.0.0.1, "
                + "docs/api.md) that other programs use. The API token is in <profile>/api-token (0600); while it serves, "
                + "<profile>/daemon.json says its pid and URL. Stop it with Ctrl-C, SIGTERM or 'parley daemon --stop'."},
        footer = {"", "Example: parley daemon --json &",
                "         curl -H \"Authorization: Bearer $(cat ~/.parley/api-token)\" http://127.0.0.1:PORT/v1/contacts"})
final class DaemonCommand implements Callable<Integer> {
    @Mixin
    SharedOptions.Context context;

    @Option(names = "--port", paramLabel = "PORT", description = "Port on 127.0.0.1 (default 0: any free port; daemon.json and --json say which).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "Address to serve on (default 127.0.0.1). A non-loopback address needs --allow-remote and TLS.")
    String bind = "127.0.0.1";

    @Option(names = "--allow-remote", description = "Serve a non-loopback --bind address (reachable from the network: HTTPS only, with --tls-cert and --tls-key).")
    boolean allowRemote;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "Serve HTTPS with this PEM certificate (chain); Host must be a name it is for.")
    java.nio.file.Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "The certificate's private key, PEM PKCS#8 ('BEGIN PRIVATE KEY'), unencrypted.")
    java.nio.file.Path tlsKey;

    @Option(names = "--detach", description = "Start the daemon in the background, wait until it serves, print what it printed, and exit (0) leaving it running.")
    boolean detach;

    @Option(names = "--audio-devices", description = "Use the microphone and speaker for calls (default: headless audio: silence, or WAV/tone per call).")
    boolean audioDevices;

    @Option(names = "--status", description = "Say whether a daemon serves this profile (pid, URL); exit 0 if one does, 1 if not.")
    boolean status;

    @Option(names = "--stop", description = "Ask the daemon of this profile to shut down and wait (up to 20 s) until it has exited.")
    boolean stop;

    @Mixin
    SharedOptions.JsonOutput jsonOutput;

    @Override
    public Integer call() throws Exception {
        if (status && stop) throw new CliException(ExitCodes.USAGE, "give --status or --stop, not both");
        if (port < 0 || port > 65535) throw new CliException(ExitCodes.USAGE, "--port must be 0..65535");
        if ((tlsCert == null) != (tlsKey == null)) throw new CliException(ExitCodes.USAGE, "give --tls-cert and --tls-key together");
        if (detach && (status || stop)) throw new CliException(ExitCodes.USAGE, "--detach starts a daemon: not with --status or --stop");
        Profile profile = context.profile();
        if (status) return status(profile);
        if (stop) return stop(profile);
        if (detach) {
            refuseIfRunning(profile);
            return DaemonDetach.start(profile, context, jsonOutput.on);
        }
        return serve(profile, this::printReady);
    }

    private void printReady(Daemon daemon) {
        PrintWriter out = context.out();
        long pid = ProcessHandle.current().pid();
        if (jsonOutput.on) {
            out.println(Json.object().put("event", "ready").put("url", daemon.url().toString()).put("pid", pid));
        } else {
            out.println("Parley daemon for " + daemon.client().peerId().value() + " serving " + daemon.url() + " (pid " + pid + ")");
            out.println("Token: " + context.profile().dir().resolve(ApiToken.FILE) + "   API: docs/api.md   Stop: Ctrl-C or 'parley daemon --stop'");
            daemon.socket().ifPresent(s -> out.println("Also on the UNIX socket " + s + " (curl --unix-socket " + s + " http://localhost/v1/check)"));
        }
    }

    /** Serves the profile in this process until asked to stop; {@code ready} prints what the command says once it serves. */
    int serve(Profile profile, java.util.function.Consumer<Daemon> ready) throws InterruptedException {
        PrintWriter out = context.out();
        refuseIfRunning(profile);
        DaemonEvents events = new DaemonEvents();
        ParleyClient client = profile.openHere(events, b -> {
            if (audioDevices) b.audioDevices(null, null);
        });
        Daemon daemon;
        long pid = ProcessHandle.current().pid();
        try {
            client.start();
            ApiToken token = ApiToken.loadOrCreate(profile.dir());
            daemon = Daemon.start(client, events, token, DaemonConfig.loopback(port).withBind(bind, allowRemote).withTls(tlsCert, tlsKey));
            DaemonFile.write(profile.dir(), new DaemonFile.Info(pid, daemon.url(), daemon.epoch(), daemon.socket().orElse(null),
                    daemon.tlsCertificate().orElse(null)));
        } catch (IOException | IllegalArgumentException e) {
            client.close();
            throw new CliException(ExitCodes.CONFIG, e.getMessage(), e);
        }
        Thread hook = new Thread(() -> {
            daemon.close(); // SIGTERM/SIGINT: the client closes and writes its cursor
            DaemonFile.deleteIfOurs(profile.dir(), pid);
        }, "parley-daemon-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        ready.accept(daemon);
        out.flush();
        daemon.shutdownRequested().join();
        daemon.close();
        DaemonFile.deleteIfOurs(profile.dir(), pid);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs anyway and finds everything closed
        }
        if (jsonOutput.on) out.println(Json.object().put("event", "stopped").put("pid", pid));
        out.flush();
        return ExitCodes.OK;
    }

    private static void refuseIfRunning(Profile profile) {
        Optional<DaemonFile.Info> running = DaemonFile.read(profile.dir()).filter(DaemonFile.Info::alive);
        if (running.isPresent()) {
            throw new CliException(ExitCodes.CONFIG, "a daemon already serves " + profile.dir() + " (pid " + running.get().pid() + ", "
                    + running.get().url() + "); stop it with 'parley daemon --stop'");
        }
    }

    private int status(Profile profile) {
        PrintWriter out = context.out();
        Optional<DaemonFile.Info> info = DaemonFile.read(profile.dir()).filter(DaemonFile.Info::alive);
        boolean answers = info.isPresent() && check(profile, info.get());
        if (jsonOutput.on) {
            out.println(Json.object().put("running", answers).put("pid", info.map(DaemonFile.Info::pid).orElse(null))
                    .put("url", info.map(i -> i.url().toString()).orElse(null)).put("profile", profile.dir().toString()));
        } else if (answers) {
            out.println("A daemon serves " + profile.dir() + ": pid " + info.get().pid() + ", " + info.get().url());
        } else if (info.isPresent()) {
            out.println("Process " + info.get().pid() + " holds " + profile.dir() + " but its API at " + info.get().url() + " does not answer");
        } else {
            out.println("No daemon serves " + profile.dir() + " (start one with 'parley daemon')");
        }
        out.flush();
        return answers ? ExitCodes.OK : ExitCodes.INTERNAL;
    }

    private int stop(Profile profile) throws InterruptedException {
        PrintWriter out = context.out();
        Optional<DaemonFile.Info> info = DaemonFile.read(profile.dir()).filter(DaemonFile.Info::alive);
        if (info.isEmpty()) {
            out.println(jsonOutput.on ? Json.object().put("stopped", false).put("reason", "not running").toString()
                    : "No daemon serves " + profile.dir());
            out.flush();
            return ExitCodes.INTERNAL;
        }
        long pid = info.get().pid();
        try {
            HttpResponse<String> r = request(profile, info.get(), "/v1/shutdown", true);
            if (r.statusCode() != 202) throw new CliException(ExitCodes.INTERNAL, "the daemon refused to stop: " + r.statusCode() + " " + r.body());
        } catch (IOException e) {
            throw new CliException(ExitCodes.INTERNAL, "cannot reach the daemon (pid " + pid + ") at " + info.get().url() + ": " + e.getMessage()
                    + "; stop it with 'kill " + pid + "'");
        }
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        boolean gone = p.isEmpty();
        if (!gone) {
            try {
                p.get().onExit().get(20, TimeUnit.SECONDS);
                gone = true;
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                gone = !p.get().isAlive();
            }
        }
        if (jsonOutput.on) out.println(Json.object().put("stopped", gone).put("pid", pid));
        else out.println(gone ? "Stopped the daemon (pid " + pid + ")" : "The daemon (pid " + pid + ") is still running after 20 s");
        out.flush();
        return gone ? ExitCodes.OK : ExitCodes.INTERNAL;
    }

    private static boolean check(Profile profile, DaemonFile.Info info) {
        try {
            HttpResponse<String> r = request(profile, info, "/v1/check", false);
            return r.statusCode() == 200 && ApiJson.parse(r.body()).path("ok").asBoolean();
        } catch (IOException | RuntimeException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static HttpResponse<String> request(Profile profile, DaemonFile.Info info, String path, boolean post)
            throws IOException, InterruptedException {
        String token = ApiToken.read(profile.dir());
        HttpRequest.Builder b = HttpRequest.newBuilder(info.url().resolve(path)).timeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer " + token);
        b = post ? b.POST(HttpRequest.BodyPublishers.noBody()) : b.GET();
        HttpClient.Builder c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3));
        if (info.tlsCertificate() != null) c.sslContext(dev.parley.daemon.client.DaemonTrust.trusting(info.tlsCertificate()));
        return c.build().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
