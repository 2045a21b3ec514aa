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
 * {@code parley chat GROUP} as people use it: two members in real pseudo-terminals (tmux on a private
 * socket): the invitation and /join, posts with their authors' names, the receipts summary (delivered
 * k/n, read by), typing, /members, /remove. Every wait is a bounded poll of the pane's contents.
 */
@Tag("native")
class GroupChatTmuxTest {
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
    void twoMembersChatInAGroupWithAuthorsReceiptsTypingAndMembers() throws Exception {
        Path alice = tmp.resolve("alice"), bob = tmp.resolve("bob");
        String aliceContact = contact(alice), bobContact = contact(bob);
        assertThat(cli(alice, "contacts", "add", bobContact, "--name", "Bob").exitCode()).isZero();
        assertThat(cli(bob, "contacts", "add", aliceContact, "--name", "Alice").exitCode()).isZero();
        assertThat(cli(alice, "group", "create", "Family").exitCode()).isZero();
        CliProcess invited = cli(alice, "group", "invite", "Family", "Bob");
        assertThat(invited.exitCode()).as(invited.toString()).isZero();

        tmux.startChat("alice", alice, url, "Family");
        tmux.startChat("bob", bob, url, null);
        tmux.awaitScreen("alice", "-- group Family (2 members: /members) --");
        tmux.awaitScreen("bob", "Alice invites you to the group Family: /join Family accepts");
        tmux.type("bob", "/join Family");
        tmux.enter("bob");
        tmux.awaitScreen("bob", "-- group Family (2 members: /members) --");

        tmux.type("alice", "hello family");
        tmux.enter("alice");
        tmux.awaitScreen("bob", "Alice: hello family");
        tmux.awaitScreen("alice", "me: hello family");
        tmux.awaitScreen("alice", "last: ✓ delivered 1/1, read by Bob");

        tmux.type("bob", "hi al");
        tmux.awaitScreen("alice", "Bob is typing…");
        tmux.type("bob", "ice");
        tmux.enter("bob");
        tmux.awaitScreen("alice", "Bob: hi alice");
        tmux.awaitScreen("bob", "last: ✓ delivered 1/1, read by Alice");

        // A file shared into the group: offered to Bob with a number, accepted, fetched and verified;
        // Alice hears that Bob holds it.
        byte[] photo = new byte[300_000];
        new java.util.Random(5).nextBytes(photo);
        Path source = tmp.resolve("photo.bin");
        java.nio.file.Files.write(source, photo);
        tmux.type("alice", "/send " + source);
        tmux.enter("alice");
        tmux.awaitScreen("alice", "#1 sharing photo.bin (293 KiB) into Family");
        tmux.awaitScreen("bob", "⇣ #1 Alice shares photo.bin in Family");
        tmux.type("bob", "/accept");
        tmux.enter("bob");
        tmux.awaitScreen("bob", "#1 fetching photo.bin in pieces from every member of Family");
        tmux.awaitScreen("bob", "✓ #1 received photo.bin");
        tmux.awaitScreen("alice", "#1 Bob has photo.bin (verified)");
        assertThat(java.nio.file.Files.readAllBytes(bob.resolve("downloads").resolve("photo.bin"))).isEqualTo(photo);

        tmux.type("alice", "/members");
        tmux.enter("alice");
        tmux.awaitScreen("alice", "Family: 2 members");
        tmux.awaitScreen("alice", "you  admin");
        tmux.awaitScreen("alice", "Bob  member, online, not verified");

        tmux.type("alice", "/remove Bob");
        tmux.enter("alice");
        tmux.awaitScreen("alice", "removed Bob from Family");
        tmux.awaitScreen("bob", "· you removed");

        tmux.type("bob", "/quit");
        tmux.enter("bob");
        tmux.awaitGone("bob");
    }

    private CliProcess cli(Path profile, String... args) throws Exception {
        String[] all = new String[args.length + 2];
        all[0] = "--profile";
        all[1] = profile.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return CliProcess.run(30, all);
    }

    private String contact(Path profile) throws Exception {
        return cli(profile, "id", "--json").contactString();
    }
}
