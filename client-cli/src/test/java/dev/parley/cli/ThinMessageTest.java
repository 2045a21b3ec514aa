package dev.parley.cli;

import dev.parley.server.ServerConfig;
import dev.parley.server.SignalingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The thin {@code parley message} path (no picocli, while a daemon serves the profile) answers exactly
 * as the picocli command through the same daemon: each case runs both ways, in this JVM, against a
 * real daemon process and a real peer, and the lines and exit codes must be the same (the measured
 * milliseconds and message ids aside). Anything but the plain form is left to picocli.
 */
@Tag("native")
class ThinMessageTest {
    private final List<CliProcess> started = new ArrayList<>();
    private SignalingServer server;

    @TempDir
    Path tmp;

    @AfterEach
    void stop() throws Exception {
        for (CliProcess p : started) {
            p.kill();
            p.awaitExitQuietly(10);
        }
        if (server != null) server.close();
    }

    @Test
    void onlyThePlainFormIsTakenEverythingElseIsLeftToPicocli() {
        assertThat(ThinMessage.parse(new String[]{"--profile", "/p", "--server", "ws://h:1", "message", "--to", "Bob", "hi", "there"})).isNotNull();
        assertThat(ThinMessage.parse(new String[]{"--profile=/p", "msg", "--json", "--to=Bob", "--timeout", "5", "--", "--json"})).isNotNull();
        assertThat(ThinMessage.parse(new String[]{"message", "hi", "--to", "Bob", "--timeout=3", "--json"})).isNotNull();
        String[][] picocli = {
                {"message", "--to", "Bob"},                          // no text
                {"message", "--to", "Bob", " "},                     // blank text
                {"message", "hi"},                                   // no --to
                {"message", "--to"},                                 // --to without a value
                {"message", "--to", "Bob", "--to", "Ann", "hi"},     // twice
                {"message", "--group", "G", "hi"},
                {"message", "--to", "Bob", "--all", "hi"},
                {"message", "--to", "Bob", "--timeout", "0", "hi"},
                {"message", "--to", "Bob", "--timeout", "x", "hi"},
                {"message", "--to", "Bob", "--json", "--json", "hi"},
                {"message", "--to", "Bob", "-x", "hi"},
                {"message", "--help"},
                {"message", "-h"},
                {"-v", "message", "--to", "Bob", "hi"},              // verbose: stack traces are picocli's
                {"--help"},
                {"id"},
                {"contacts", "list"},
                {},
        };
        for (String[] args : picocli) assertThat(ThinMessage.parse(args)).as(String.join(" ", args)).isNull();
    }

    /** What one run printed and returned; ids and timings masked. */
    private record Outcome(int code, String out, String err) {
        static String mask(String s) {
            return s.replaceAll("\\(\\d+ ms\\)", "(N ms)").replaceAll("\"ms\":\\d+", "\"ms\":N")
                    .replaceAll("\"id\":\"[0-9a-f-]{36}\"", "\"id\":\"ID\"");
        }
    }

    private static Outcome thin(String[] args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        Integer code = ThinMessage.tryRun(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as("the thin path took " + String.join(" ", args)).isNotNull();
        return new Outcome(code, Outcome.mask(out.toString(StandardCharsets.UTF_8)), Outcome.mask(err.toString(StandardCharsets.UTF_8)));
    }

    private static Outcome picocli(String[] args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Outcome(code, Outcome.mask(out.toString()), Outcome.mask(err.toString()));
    }

    @Test
    void throughADaemonTheThinPathAnswersAsThePicocliCommandDoes() throws Exception {
        server = new SignalingServer(ServerConfig.builder().bindAddress("127.0.0.1").port(0).httpPort(-1).build());
        String url = "ws://127.0.0.1:" + server.start().wsPort();
        Path alice = tmp.resolve("alice"), bob = tmp.resolve("bob");
        String a = CliProcess.run(60, CliProcess.as(alice, url, "id", "--json")).contactString();
        CliProcess bobId = CliProcess.run(60, CliProcess.as(bob, url, "id", "--json"));
        String b = bobId.contactString();
        String bobPeer = bobId.out().get(0).replaceAll(".*\"peerId\":\"([a-z0-9]+)\".*", "$1");
        assertThat(CliProcess.run(60, CliProcess.as(alice, url, "contacts", "add", b, "--name", "Bob")).exitCode()).isZero();
        assertThat(CliProcess.run(60, CliProcess.as(bob, url, "contacts", "add", a, "--name", "Alice")).exitCode()).isZero();
        CliProcess daemon = CliProcess.start(CliProcess.as(alice, url, "daemon", "--json"));
        started.add(daemon);
        daemon.awaitLine(l -> l.contains("\"ready\""), 60);

        // Bob away: both wait their timeout and say he is offline, exit 6, the message queued.
        String[] offline = CliProcess.as(alice, url, "message", "--to", "Bob", "--timeout", "1", "while away");
        Outcome thinOffline = thin(offline);
        assertThat(thinOffline.code()).isEqualTo(ExitCodes.PEER_UNREACHABLE);
        assertThat(thinOffline.err()).contains("Bob is offline (not connected to " + url + " within 1 s); the message is queued");
        assertThat(thinOffline).isEqualTo(picocli(offline));

        CliProcess bobReceives = CliProcess.start(CliProcess.as(bob, url, "receive", "--json"));
        started.add(bobReceives);
        bobReceives.awaitLine(l -> l.contains("\"online\""), 60);

        String[][] cases = {
                CliProcess.as(alice, url, "message", "--to", "Bob", "hello", "there"),
                CliProcess.as(alice, url, "msg", "--json", "--to=bob", "--", "quote \" backslash \\ newline \n tab \t end"),
                CliProcess.as(alice, url, "message", "--to", "Nobody", "hi"),
                CliProcess.as(alice, url, "message", "--to", "Bob", "--timeout=30", "--json", "after", "options"),
        };
        List<Outcome> viaThin = new ArrayList<>();
        for (String[] args : cases) {
            Outcome t = thin(args);
            viaThin.add(t);
            assertThat(t).as(String.join(" ", args)).isEqualTo(picocli(args));
        }
        String nl = System.lineSeparator();
        assertThat(viaThin.get(0)).isEqualTo(new Outcome(0, "Delivered to Bob (N ms)." + nl, ""));
        assertThat(viaThin.get(1)).isEqualTo(new Outcome(0, "{\"id\":\"ID\",\"to\":\"" + bobPeer
                + "\",\"name\":\"Bob\",\"state\":\"delivered\",\"ms\":N}" + nl, ""));
        assertThat(viaThin.get(2).code()).isEqualTo(ExitCodes.CONTACT);
        assertThat(viaThin.get(2).err()).startsWith("parley: no contact matches 'Nobody'");
        // Bob got each message once per run, the thin run's first: its text, escapes and all.
        bobReceives.awaitLine(l -> l.contains("while away"), 30);
        bobReceives.awaitLine(l -> l.contains("hello there"), 30);
        bobReceives.awaitLine(l -> l.contains("quote \\\" backslash \\\\ newline \\n tab \\t end"), 30);
    }
}
