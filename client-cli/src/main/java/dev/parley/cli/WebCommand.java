package dev.parley.cli;

import dev.parley.daemon.ApiJson;
import dev.parley.daemon.DaemonFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code parley web}: the web interface (docs/web.md). Uses the daemon that serves this profile, or
 * starts one in this process; prints a login link with a one-time token and opens it where a desktop exists.
 */
@Command(name = "web", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Open Parley in your browser. Uses the daemon of this profile if one runs, or serves it from this process "
                + "(like 'parley daemon') until stopped. Prints a link with a one-time login token: it opens the interface once, "
                + "in one browser, which then keeps a session cookie for this daemon run."},
        footer = {"", "Example: parley web", "         parley web --no-open --json     # {\"url\":\"http://127.0.0.1:PORT/login?t=…\"}"})
final class WebCommand implements Callable<Integer> {
    @Mixin
    SharedOptions.Context context;

    @Option(names = "--no-open", description = "Do not start a browser; only print the link.")
    boolean noOpen;

    @Option(names = "--port", paramLabel = "PORT", description = "Port on 127.0.0.1 when this command starts the daemon (default 0: any free port).")
    int port;

    @Option(names = "--audio-devices", description = "When this command starts the daemon: use the microphone and speaker for calls.")
    boolean audioDevices;

    @Mixin
    SharedOptions.JsonOutput jsonOutput;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) throw new CliException(ExitCodes.USAGE, "--port must be 0..65535");
        Profile profile = context.profile();
        Optional<DaemonFile.Info> running = DaemonFile.read(profile.dir()).filter(DaemonFile.Info::alive);
        if (running.isPresent()) {
            String url;
            try {
                HttpResponse<String> r = DaemonCommand.request(profile, running.get(), "/v1/web/login-link", true);
                if (r.statusCode() != 200) throw new CliException(ExitCodes.INTERNAL, "the daemon refused a login link: " + r.statusCode() + " " + r.body());
                url = ApiJson.parse(r.body()).path("url").asText();
            } catch (IOException e) {
                throw new CliException(ExitCodes.INTERNAL, "cannot reach the daemon (pid " + running.get().pid() + ") at " + running.get().url()
                        + ": " + e.getMessage());
            }
            announce(url, "served by the daemon (pid " + running.get().pid() + ")");
            return ExitCodes.OK;
        }
        DaemonCommand d = new DaemonCommand();
        d.context = context;
        d.jsonOutput = new SharedOptions.JsonOutput();
        d.port = port;
        d.audioDevices = audioDevices;
        return d.serve(profile, daemon -> announce(daemon.loginLink(), "served from this process (pid " + ProcessHandle.current().pid()
                + "); stop with Ctrl-C"));
    }

    private void announce(String url, String how) {
        PrintWriter out = context.out();
        if (jsonOutput.on) {
            out.println(Json.object().put("url", url));
        } else {
            out.println("Parley in your browser: " + url);
            out.println("The link works once (it logs this browser in); " + how + ". Another link: run 'parley web' again.");
        }
        out.flush();
        if (!noOpen) open(url);
    }

    /** xdg-open where a desktop exists; quietly nothing otherwise (the link is printed). */
    private void open(String url) {
        String display = System.getenv("DISPLAY"), wayland = System.getenv("WAYLAND_DISPLAY");
        if ((display == null || display.isEmpty()) && (wayland == null || wayland.isEmpty())) return;
        Optional<Path> xdg = Optional.of(Path.of("/usr/bin/xdg-open")).filter(Files::isExecutable);
        if (xdg.isEmpty()) return;
        try {
            new ProcessBuilder(xdg.get().toString(), url).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            if (!jsonOutput.on) context.out().println("(could not start a browser: " + e.getMessage() + "; open the link yourself)");
        }
    }
}
