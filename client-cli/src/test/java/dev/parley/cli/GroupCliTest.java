package dev.parley.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.client.ContactString;
import dev.parley.client.ParleyClient;
import dev.parley.client.ParleyConfig;
import dev.parley.client.ParleyListener;
import dev.parley.client.PeerKey;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.server.ServerConfig;
import dev.parley.server.SignalingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code parley group …}, {@code message --group} and the group events of {@code receive --json} as a
 * script runs them: every command its own JVM against a real signaling server; the two members' profiles
 * are served by real daemons (the only WebRTC processes), the commands go through them. Bad input
 * (unknown group, ambiguous prefix, the 17th member) runs in process, without a daemon.
 */
@Tag("native")
class GroupCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
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
        for (CliProcess p : started) {
            p.kill();
            p.awaitExitQuietly(10);
        }
        if (server != null) server.close();
    }

    private CliProcess run(Path profile, String... args) throws Exception {
        return CliProcess.run(90, CliProcess.as(profile, url, args));
    }

    private CliProcess ok(Path profile, String... args) throws Exception {
        CliProcess p = run(profile, args);
        assertThat(p.exitCode()).as(p.toString()).isZero();
        return p;
    }

    private CliProcess startCli(Path profile, String... args) throws Exception {
        CliProcess p = CliProcess.start(CliProcess.as(profile, url, args));
        started.add(p);
        return p;
    }

    private JsonNode id(Path profile) throws Exception {
        return JSON.readTree(ok(profile, "id", "--json").out().get(0));
    }

    private void daemon(Path profile) throws Exception {
        CliProcess d = startCli(profile, "daemon", "--json");
        d.awaitLine(l -> l.contains("\"ready\""), 60);
    }

    private CliProcess receiver(Path profile) throws Exception {
        CliProcess r = startCli(profile, "receive", "--json");
        r.awaitLine(l -> l.contains("\"online\""), 60);
        return r;
    }

    private static JsonNode event(CliProcess r, String event, String mustContain) throws Exception {
        return JSON.readTree(r.awaitLine(l -> l.contains("\"event\":\"" + event + "\"") && l.contains(mustContain), 60));
    }

    @Test
    void createInviteAcceptPostReceiveMembersLeaveAndRemoveThroughTheCommands() throws Exception {
        Path alice = tmp.resolve("alice"), bob = tmp.resolve("bob");
        JsonNode a = id(alice), b = id(bob);
        String ap = a.get("peerId").asText(), bp = b.get("peerId").asText();
        ok(alice, "contacts", "add", b.get("contact").asText(), "--name", "Bob");
        ok(bob, "contacts", "add", a.get("contact").asText(), "--name", "Alice");
        daemon(alice);
        daemon(bob);
        CliProcess bobRx = receiver(bob), aliceRx = receiver(alice);

        CliProcess created = ok(alice, "group", "create", "Family", "--json");
        assertThat(created.out()).as("one JSON line").hasSize(1);
        JsonNode g = JSON.readTree(created.out().get(0));
        assertThat(g.size()).isEqualTo(2);
        assertThat(g.get("name").asText()).isEqualTo("Family");
        String gid = g.get("group").asText();
        assertThat(gid).hasSize(43);

        ok(alice, "group", "invite", "Family", "Bob");
        JsonNode invite = event(bobRx, "group-invite", gid);
        assertThat(invite.get("groupName").asText()).isEqualTo("Family");
        assertThat(invite.get("from").asText()).isEqualTo(ap);
        ok(bob, "group", "accept", "Fam"); // a unique prefix of the name

        CliProcess sent = ok(alice, "message", "--group", "Family", "--json", "dinner at 8 ✓");
        JsonNode s = JSON.readTree(sent.out().get(0));
        assertThat(s.get("group").asText()).isEqualTo(gid);
        assertThat(s.get("groupName").asText()).isEqualTo("Family");
        assertThat(s.get("state").asText()).isEqualTo("delivered");
        assertThat(s.get("deliveredTo")).extracting(JsonNode::asText).containsExactly(bp);
        JsonNode got = event(bobRx, "message", "dinner at 8");
        assertThat(got.get("id").asText()).isEqualTo(s.get("id").asText());
        assertThat(got.get("group").asText()).isEqualTo(gid);
        assertThat(got.get("groupName").asText()).isEqualTo("Family");
        assertThat(got.get("from").asText()).isEqualTo(ap);
        assertThat(got.get("name").asText()).isEqualTo("Alice");
        assertThat(got.get("text").asText()).isEqualTo("dinner at 8 ✓");

        // Bob answers by the full group id and waits for every member (--all).
        CliProcess reply = ok(bob, "message", "--group", gid, "--all", "--json", "see you");
        assertThat(JSON.readTree(reply.out().get(0)).get("deliveredTo")).extracting(JsonNode::asText).containsExactly(ap);
        JsonNode atAlice = event(aliceRx, "message", "see you");
        assertThat(atAlice.get("from").asText()).isEqualTo(bp);
        assertThat(atAlice.get("group").asText()).isEqualTo(gid);

        JsonNode members = JSON.readTree(ok(alice, "group", "members", "Family", "--json").out().get(0));
        assertThat(members).hasSize(2);
        for (JsonNode m : members) {
            assertThat(m.fieldNames()).toIterable().containsExactly("name", "peerId", "admin", "verified", "online", "you");
            boolean isBob = m.get("peerId").asText().equals(bp);
            assertThat(m.get("admin").asBoolean()).isEqualTo(!isBob);
            assertThat(m.get("you").asBoolean()).isEqualTo(!isBob);
            assertThat(m.get("verified").asBoolean()).isFalse();
            if (isBob) {
                assertThat(m.get("name").asText()).isEqualTo("Bob");
                assertThat(m.get("online").asBoolean()).isTrue();
            }
        }

        // A second group for the removal; its name shares a prefix with the first.
        String fans = JSON.readTree(ok(alice, "group", "create", "Fans", "--json").out().get(0)).get("group").asText();
        ok(alice, "group", "invite", fans.substring(0, 10), "Bob"); // a prefix of the id
        event(bobRx, "group-invite", fans);
        ok(bob, "group", "accept", "Fans");
        JsonNode list = JSON.readTree(ok(bob, "group", "list", "--json").out().get(0));
        assertThat(list).extracting(n -> n.get("name").asText()).containsExactlyInAnyOrder("Family", "Fans");
        assertThat(list).allSatisfy(n -> assertThat(n.get("status").asText()).isEqualTo("joined"));

        CliProcess ambiguous = run(alice, "message", "--group", "Fa", "hello?");
        assertThat(ambiguous.exitCode()).as(ambiguous.toString()).isEqualTo(ExitCodes.GROUP);
        assertThat(String.join("\n", ambiguous.err())).contains("'Fa' matches 2 groups").contains("Family").contains("Fans");

        ok(bob, "group", "leave", "Family");
        JsonNode left = event(aliceRx, "group-member", "\"left\"");
        assertThat(left.get("group").asText()).isEqualTo(gid);
        assertThat(left.get("peer").asText()).isEqualTo(bp);
        assertThat(left.get("groupName").asText()).isEqualTo("Family");

        ok(alice, "group", "remove", "Fans", "Bob");
        JsonNode removed = event(bobRx, "group-member", "\"removed\"");
        assertThat(removed.get("group").asText()).isEqualTo(fans);
        assertThat(removed.get("peer").asText()).isEqualTo(bp);
        JsonNode after = JSON.readTree(ok(alice, "group", "members", "Fans", "--json").out().get(0));
        assertThat(after).extracting(n -> n.get("peerId").asText()).containsExactly(ap);
    }

    @Test
    void withoutADaemonEachCommandGoesOnlineItselfAndAPostWaitsForAMemberWhoJoinsLater() throws Exception {
        Path alice = tmp.resolve("alice"), bob = tmp.resolve("bob");
        JsonNode a = id(alice), b = id(bob);
        String ap = a.get("peerId").asText(), bp = b.get("peerId").asText();
        ok(alice, "contacts", "add", b.get("contact").asText(), "--name", "Bob");
        ok(bob, "contacts", "add", a.get("contact").asText(), "--name", "Alice");
        String gid = JSON.readTree(ok(alice, "group", "create", "Family", "--json").out().get(0)).get("group").asText();
        ok(alice, "group", "invite", "Family", "Bob"); // stored; Bob hears of it when Alice is next online

        // Bob is online but has not accepted: Alice's post reaches nobody who stores it (exit 6), and
        // going online delivered the invitation.
        CliProcess bobRx = receiver(bob);
        CliProcess early = run(alice, "message", "--group", "Family", "--timeout", "5", "posted before bob joined");
        assertThat(early.exitCode()).as(early.toString()).isEqualTo(ExitCodes.PEER_UNREACHABLE);
        assertThat(early.err()).singleElement().asString().contains("no other member of Family stored it within 5 s")
                .contains("reaches them from whichever member is online later");
        JsonNode invite = event(bobRx, "group-invite", gid);
        assertThat(invite.get("from").asText()).isEqualTo(ap);
        bobRx.kill();
        bobRx.awaitExitQuietly(10);

        ok(bob, "group", "accept", "Family");
        bobRx = receiver(bob);
        CliProcess sent = ok(alice, "message", "--group", "Family", "--json", "and now?");
        assertThat(JSON.readTree(sent.out().get(0)).get("deliveredTo")).extracting(JsonNode::asText).containsExactly(bp);
        // The early post came too (sync on the session), each once, both by Alice.
        JsonNode first = event(bobRx, "message", gid), second = event(bobRx, "message", gid);
        assertThat(List.of(first.get("text").asText(), second.get("text").asText()))
                .containsExactlyInAnyOrder("posted before bob joined", "and now?");
        assertThat(List.of(first, second)).allSatisfy(m -> {
            assertThat(m.get("from").asText()).isEqualTo(ap);
            assertThat(m.get("groupName").asText()).isEqualTo("Family");
        });
    }

    @Test
    void unknownAndAmbiguousGroupsAndTheSeventeenthMemberAreClearErrors() throws Exception {
        Path carol = tmp.resolve("carol");
        // Fifteen contacts with pinned keys (from their contact strings); nobody needs to be online to be invited.
        List<String> names = new ArrayList<>();
        try (ParleyClient c = ParleyClient.open(ParleyConfig.builder(carol).build(), new ParleyListener() {})) {
            for (int i = 1; i <= 16; i++) {
                String name = "member" + i;
                names.add(name);
                c.addContact(ContactString.of(PeerKey.parse(IdentityKeyPair.generate().publicKey().toBase64Url()), name).toString(), name);
            }
        }
        ok(carol, "group", "create", "Big");
        ok(carol, "group", "create", "Bigger");

        List<String> invite = new ArrayList<>(List.of("group", "invite", "Big"));
        invite.addAll(names.subList(0, 15));
        ok(carol, invite.toArray(String[]::new));
        JsonNode list = JSON.readTree(ok(carol, "group", "list", "--json").out().get(0));
        assertThat(list).filteredOn(n -> n.get("name").asText().equals("Big")).singleElement()
                .satisfies(n -> assertThat(n.get("members").asInt()).isEqualTo(16));

        CliProcess full = run(carol, "group", "invite", "Big", "member16");
        assertThat(full.exitCode()).as(full.toString()).isEqualTo(ExitCodes.GROUP);
        assertThat(full.err()).hasSize(1);
        assertThat(full.err().get(0)).contains("Big has 16 members").contains("at most 16").contains("nobody was invited");
        assertThat(JSON.readTree(ok(carol, "group", "members", "Big", "--json").out().get(0))).hasSize(16);

        CliProcess unknown = run(carol, "group", "members", "Nope");
        assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(ExitCodes.GROUP);
        assertThat(unknown.err().get(0)).contains("no group matches 'Nope'").contains("parley group list");
        CliProcess ambiguous = run(carol, "group", "members", "Bi");
        assertThat(ambiguous.exitCode()).as(ambiguous.toString()).isEqualTo(ExitCodes.GROUP);
        assertThat(ambiguous.err().get(0)).contains("'Bi' matches 2 groups");
        // An exact name wins over a longer name it prefixes.
        assertThat(JSON.readTree(ok(carol, "group", "members", "big", "--json").out().get(0))).hasSize(16);
        CliProcess noContact = run(carol, "group", "invite", "Bigger", "Zed");
        assertThat(noContact.exitCode()).as(noContact.toString()).isEqualTo(ExitCodes.CONTACT);
        CliProcess notMember = run(carol, "group", "remove", "Bigger", "member1");
        assertThat(notMember.exitCode()).as(notMember.toString()).isEqualTo(ExitCodes.GROUP);
        assertThat(notMember.err().get(0)).contains("no member of Bigger matches 'member1'");
        CliProcess both = run(carol, "message", "--to", "member1", "--group", "Big", "hi");
        assertThat(both.exitCode()).as(both.toString()).isEqualTo(ExitCodes.USAGE);
    }
}
