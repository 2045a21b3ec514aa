package dev.parley.cli;

import dev.parley.server.ServerConfig;
import dev.parley.server.SignalingServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code parley chat} as people use it: two users in real pseudo-terminals (tmux on a private socket),
 * typing and reading the screen. Every wait is a bounded poll of the pane's contents.
 */
@Tag("native")
class ChatTmuxTest {
    private final Tmux tmux = new Tmux();
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
        tmux.close(); // only our private socket: ends our two chat JVMs
        if (server != null) server.close();
    }

    @Test
    void twoUsersChatWithReceiptsTypingAndCompletion() throws Exception {
        Path alice = tmp.resolve("alice"), bob = tmp.resolve("bob");
        String aliceContact = contact(alice), bobContact = contact(bob);
        assertThat(CliProcess.run(30, "--profile", alice.toString(), "contacts", "add", bobContact, "--name", "Bob").exitCode()).isZero();
        assertThat(CliProcess.run(30, "--profile", bob.toString(), "contacts", "add", aliceContact, "--name", "Alice").exitCode()).isZero();

        tmux.startChat("alice", alice, url, "Bob");
        tmux.startChat("bob", bob, url, null);
        awaitScreen("alice", "conversation with Bob");
        awaitScreen("alice", "Bob ● online");
        awaitScreen("bob", "Alice is online");

        type("alice", "hello bob");
        enter("alice");
        awaitScreen("bob", "Alice: hello bob");
        awaitScreen("bob", "(/open Alice to reply)");
        awaitScreen("alice", "last: ✓ delivered");

        type("bob", "/op");
        tab("bob");
        awaitScreen("bob", "> /open ");
        type("bob", "Al");
        tab("bob");
        awaitScreen("bob", "> /open Alice");
        enter("bob");
        awaitScreen("bob", "conversation with Alice");
        awaitScreen("alice", "last: ✓✓ read");

        type("bob", "hi al");
        awaitScreen("alice", "Bob is typing…");
        type("bob", "ice");
        enter("bob");
        awaitScreen("alice", "Bob: hi alice");
        awaitScreen("bob", "me: hi alice");

        type("alice", "/history");
        enter("alice");
        awaitScreen("alice", "me: hello bob  ✓✓ read");

        // a file: Tab completes the path, the offer prompts Alice, both screens show the verified result
        Path outbox = Files.createDirectories(tmp.resolve("outbox"));
        Path report = outbox.resolve("report-2026.txt");
        Files.writeString(report, "quarterly numbers\n".repeat(20_000));
        type("bob", "/send " + outbox + "/rep");
        tab("bob");
        awaitScreen("bob", "/send " + report);
        enter("bob");
        awaitScreen("bob", "#1 offering report-2026.txt (352 KiB) to Alice");
        awaitScreen("alice", "#1 Bob offers report-2026.txt (352 KiB, text/plain, sha256 ");
        awaitScreen("alice", "— /accept or /reject");
        type("alice", "/accept");
        enter("alice");
        awaitScreen("alice", "✓ #1 received report-2026.txt from Bob (352 KiB, sha256 verified)");
        awaitScreen("bob", "✓ #1 Alice received report-2026.txt (352 KiB, sha256 verified at their end)");
        assertThat(alice.resolve("downloads").resolve("report-2026.txt")).hasSameBinaryContentAs(report);

        // a call: ringing prompt, answer, live stats in the status line, mute, hang-up shown on both screens
        type("alice", "/call");
        enter("alice");
        awaitScreen("bob", "Alice is calling — /answer or /decline");
        type("bob", "/answer");
        enter("bob");
        awaitScreen("alice", "in a call with Bob");
        awaitScreen("bob", "in a call with Alice");
        awaitScreen("alice", "rtt ");
        awaitScreen("alice", "kbit/s · opus");
        type("alice", "/mute");
        enter("alice");
        awaitScreen("alice", "microphone muted");
        awaitScreen("alice", "· MUTED");
        type("alice", "/hangup");
        enter("alice");
        awaitScreen("alice", "call with Bob ended after 0:0");
        awaitScreen("alice", "(you hung up)");
        awaitScreen("bob", "call with Alice ended after 0:0");
        awaitScreen("bob", "(Alice hung up)");

        type("bob", "/quit");
        enter("bob");
        awaitGone("bob");
    }

    private String contact(Path profile) throws Exception {
        return CliProcess.run(30, "--profile", profile.toString(), "id", "--json").contactString();
    }

    private void type(String session, String text) throws Exception {
        tmux.type(session, text);
    }

    private void enter(String session) throws Exception {
        tmux.enter(session);
    }

    private void tab(String session) throws Exception {
        tmux.tab(session);
    }

    private void awaitScreen(String session, String text) throws Exception {
        tmux.awaitScreen(session, text);
    }

    private void awaitGone(String session) throws Exception {
        tmux.awaitGone(session);
    }
}
