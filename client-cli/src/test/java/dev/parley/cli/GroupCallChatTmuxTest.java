package dev.parley.cli;

import dev.parley.server.ServerConfig;
import dev.parley.server.SignalingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A group call in {@code parley chat GROUP}, in real pseudo-terminals (tmux on a private socket), with
 * headless audio (each member plays its own tone): /call, the others told and /join, the status line
 * listing the participants with the one speaking marked, /mute, /leave and /hangup leaving the call (not
 * the group), then the call in both conversations' history. Every wait is a bounded poll of the screen.
 */
@Tag("native")
class GroupCallChatTmuxTest {
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
    void twoMembersCallInTheGroupChatSeeWhoSpeaksMuteLeaveAndFindTheCallInTheHistory() throws Exception {
        Path alice = tmp.resolve("alice"), bob = tmp.resolve("bob");
        assertThat(cli(alice, "contacts", "add", contact(bob), "--name", "Bob").exitCode()).isZero();
        assertThat(cli(bob, "contacts", "add", contact(alice), "--name", "Alice").exitCode()).isZero();
        assertThat(cli(alice, "group", "create", "Family").exitCode()).isZero();
        assertThat(cli(alice, "group", "invite", "Family", "Bob").exitCode()).isZero();
        Path aTone = tmp.resolve("alice-tone.wav"), bTone = tmp.resolve("bob-tone.wav");
        FileAndCallCommandsTest.writeTone(aTone, 600, 60);
        FileAndCallCommandsTest.writeTone(bTone, 900, 60);

        tmux.startChat("alice", alice, url, "Family", "--play", aTone.toString(), "--record", tmp.resolve("alice-heard.wav").toString());
        tmux.startChat("bob", bob, url, null, "--play", bTone.toString(), "--record", tmp.resolve("bob-heard.wav").toString());
        tmux.awaitScreen("alice", "-- group Family (2 members: /members) --");
        tmux.awaitScreen("bob", "Alice invites you to the group Family: /join Family accepts");
        tmux.type("bob", "/join Family");
        tmux.enter("bob");
        tmux.awaitScreen("bob", "-- group Family (2 members: /members) --");
        // A post both ways first: the group's sessions are up before the call starts.
        tmux.type("alice", "call in a minute");
        tmux.enter("alice");
        tmux.awaitScreen("bob", "Alice: call in a minute");

        tmux.type("alice", "/call");
        tmux.enter("alice");
        tmux.awaitScreen("alice", "☎ you are in the call of Family — /mute, /leave");
        tmux.awaitScreen("bob", "☎ Alice started a call in Family — /join joins it");
        tmux.awaitScreen("bob", "☎ Family call · Alice · /join joins");
        tmux.type("bob", "/join");
        tmux.enter("bob");
        tmux.awaitScreen("bob", "☎ you are in the call of Family — /mute, /leave");
        tmux.awaitScreen("alice", "· Bob joined the call");
        // Each hears the other's tone: the other is marked as speaking in the status line.
        tmux.awaitScreen("alice", "☎ Family call · you, Bob (speaking)");
        tmux.awaitScreen("bob", "☎ Family call · you, Alice (speaking)");

        tmux.type("alice", "/mute");
        tmux.enter("alice");
        tmux.awaitScreen("alice", "microphone muted in the call (/mute again to unmute)");
        tmux.awaitScreen("alice", "· MUTED");

        tmux.type("alice", "/leave");
        tmux.enter("alice");
        tmux.awaitScreen("alice", "you left the call of Family (/leave again leaves the group)");
        tmux.awaitScreen("bob", "· Alice left the call");
        tmux.type("bob", "/hangup");
        tmux.enter("bob");
        tmux.awaitScreen("bob", "you left the call of Family (/leave again leaves the group)");
        // The call ended with its last participant: both conversations show it, Alice's still a member.
        tmux.awaitScreen("alice", "· call, ");
        tmux.awaitScreen("alice", " s, with Bob");
        tmux.awaitScreen("bob", " s, with Alice");
        tmux.type("alice", "still here");
        tmux.enter("alice");
        tmux.awaitScreen("bob", "Alice: still here");

        tmux.type("bob", "/quit");
        tmux.enter("bob");
        tmux.awaitGone("bob");
    }

    private CliProcess cli(Path profile, String... args) throws Exception {
        String[] all = new String[args.length + 4];
        all[0] = "--profile";
        all[1] = profile.toString();
        all[2] = "--server";
        all[3] = url;
        System.arraycopy(args, 0, all, 4, args.length);
        return CliProcess.run(30, all);
    }

    private String contact(Path profile) throws Exception {
        return cli(profile, "id", "--json").contactString();
    }
}
