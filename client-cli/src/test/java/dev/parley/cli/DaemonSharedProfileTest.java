package dev.parley.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.server.ServerConfig;
import dev.parley.server.SignalingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One owner per profile, as a user meets it: while {@code parley daemon} serves a profile, {@code parley
 * chat} and scripted commands on the same profile all go through it (one login: nobody is thrown off);
 * without a daemon a second process is refused with who holds the profile; messages queued in a
 * daemon survive its restart and arrive once.
 */
@Tag("native")
class DaemonSharedProfileTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Tmux tmux = new Tmux();
    private final List<CliProcess> started = new ArrayList<>();
    private SignalingServer server;
    private String url;

    @TempDir
    Path tmp;

    @BeforeEach
    void start() throws Exception {
        server = new SignalingServer(ServerConfig.builder().bindAddress("127.0.0.1").port(0).httpPort(-1).build());
        url = "ws://127.0.0.1:" + server.start().wsPort();
    }

    @AfterEach
    void stop() throws Exception {
        tmux.close();
        for (CliProcess p : started) {
            p.kill();
            p.awaitExitQuietly(10);
        }
        if (server != null) server.close();
    }

    private CliProcess run(Path profile, String... args) throws Exception {
        return CliProcess.run(60, CliProcess.as(profile, url, args));
    }

    private CliProcess startCli(Path profile, String... args) throws Exception {
        CliProcess p = CliProcess.start(CliProcess.as(profile, url, args));
        started.add(p);
        return p;
    }

    private String contact(Path profile) throws Exception {
        return run(profile, "id", "--json").contactString();
    }

    private void befriend(Path alice, Path bob) throws Exception {
        String a = contact(alice), b = contact(bob);
        assertThat(run(alice, "contacts", "add", b, "--name", "Bob").exitCode()).isZero();
        assertThat(run(bob, "contacts", "add", a, "--name", "Alice").exitCode()).isZero();
    }

    /** Starts {@code parley daemon --json} and returns it once it printed its ready line. */
    private CliProcess daemon(Path profile) throws Exception {
        CliProcess d = startCli(profile, "daemon", "--json");
        JsonNode ready = JSON.readTree(d.awaitLine(l -> l.contains("\"ready\""), 60));
        assertThat(ready.get("pid").asLong()).isEqualTo(d.pid());
        assertThat(ready.get("url").asText()).startsWith("http://127.0.0.1:");
        return d;
    }

    private CliProcess receiver(Path profile) throws Exception {
        CliProcess r = startCli(profile, "receive", "--json");
        r.awaitLine(l -> l.contains("\"online\""), 60);
        return r;
    }

    @Test
    void aScriptedMessageGoesThroughTheDaemonWhileChatRunsOnTheSameProfileAndNobodyIsThrownOff() throws Exception {
        Path alice = tmp.resolve("alice"), bob = tmp.resolve("bob");
        befriend(alice, bob);
        CliProcess bobReceives = receiver(bob);
        daemon(alice);

        tmux.startChat("alice", alice, url, "Bob");
        tmux.awaitScreen("alice", "conversation with Bob");
        tmux.awaitScreen("alice", "Bob ● online");

        CliProcess scripted = run(alice, "message", "--to", "Bob", "--json", "sent from a script");
        assertThat(scripted.exitCode()).as(scripted.toString()).isZero();
        assertThat(JSON.readTree(scripted.out().get(0)).get("state").asText()).isEqualTo("delivered");
        bobReceives.awaitLine(l -> l.contains("sent from a script"), 30);
        tmux.awaitScreen("alice", "me: sent from a script");
        tmux.awaitScreen("alice", "(sent from another command)");

        // The chat still works on the same login: what it sends arrives, and no "replaced" appeared.
        tmux.type("alice", "typed in the chat");
        tmux.enter("alice");
        bobReceives.awaitLine(l -> l.contains("typed in the chat"), 30);
        tmux.awaitScreen("alice", "last: ✓ delivered");
        assertThat(tmux.screen("alice")).doesNotContain("replaced").doesNotContain("another login");
        assertThat(Files.readString(alice.resolve("parley.log"))).doesNotContain("logged in on a newer connection");
    }

    @Test
    void withoutADaemonASecondProcessOnAProfileInUseIsRefusedWithTheHoldersPid() throws Exception {
        Path alice = tmp.resolve("alice"), bob = tmp.resolve("bob");
        befriend(alice, bob);
        CliProcess holder = startCli(alice, "receive", "--json");
        holder.awaitLine(l -> l.contains("\"online\""), 60);

        CliProcess second = run(alice, "message", "--to", "Bob", "hello");
        assertThat(second.exitCode()).as(second.toString()).isEqualTo(ExitCodes.CONFIG);
        assertThat(String.join("\n", second.err()))
                .contains("profile " + alice + " is in use by process " + holder.pid() + " (parley ")
                .contains("receive")
                .contains("run 'parley daemon' for this profile");
        assertThat(holder.isAlive()).as("the holder was not thrown off").isTrue();
    }

    @Test
    void messagesQueuedInADaemonSurviveItsRestartAndArriveOnce() throws Exception {
        Path alice = tmp.resolve("alice"), bob = tmp.resolve("bob");
        befriend(alice, bob);
        CliProcess d = daemon(alice);
        CliProcess queued = run(alice, "message", "--to", "Bob", "--timeout", "2", "queued while bob is away");
        assertThat(queued.exitCode()).as(queued.toString()).isEqualTo(ExitCodes.PEER_UNREACHABLE);

        CliProcess stop = run(alice, "daemon", "--stop");
        assertThat(stop.exitCode()).as(stop.toString()).isZero();
        assertThat(d.awaitExit(30)).isZero();
        assertThat(alice.resolve("daemon.json")).doesNotExist();
        daemon(alice);

        CliProcess bobReceives = receiver(bob);
        String line = bobReceives.awaitLine(l -> l.contains("\"message\""), 60);
        assertThat(JSON.readTree(line).get("text").asText()).isEqualTo("queued while bob is away");
        // Exactly once: a later message is the next one bob hears of.
        CliProcess later = run(alice, "message", "--to", "Bob", "after the restart");
        assertThat(later.exitCode()).as(later.toString()).isZero();
        String next = bobReceives.awaitLine(l -> l.contains("\"message\""), 30);
        assertThat(JSON.readTree(next).get("text").asText()).isEqualTo("after the restart");
    }
}
