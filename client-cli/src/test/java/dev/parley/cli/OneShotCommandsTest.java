package dev.parley.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scripting contract of docs/cli.md, end to end: every command is a separate JVM, as a script
 * would run it, against a real signaling server started here on port 0.
 */
@Tag("native")
class OneShotCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final LocalServer server = new LocalServer();

    @TempDir
    Path tmp;

    private String[] as(Path profile, String... args) {
        return CliProcess.as(profile, server.url(), args);
    }

    private JsonNode id(Path profile) throws Exception {
        CliProcess p = CliProcess.run(30, as(profile, "id", "--json"));
        assertThat(p.exitCode()).as(p.toString()).isZero();
        assertThat(p.out()).as("only JSON on stdout").hasSize(1);
        return JSON.readTree(p.out().get(0));
    }

    private void add(Path profile, String contact, String name) throws Exception {
        CliProcess p = CliProcess.run(30, as(profile, "contacts", "add", contact, "--name", name));
        assertThat(p.exitCode()).as(p.toString()).isZero();
    }

    @Test
    void twoProfilesExchangeContactsAndMessagesAreAckedAndReceived() throws Exception {
        Path alice = tmp.resolve("alice"), bob = tmp.resolve("bob");
        JsonNode a = id(alice), b = id(bob);
        assertThat(a.get("peerId").asText()).hasSize(32);
        assertThat(a.get("contact").asText()).startsWith("parley:");
        add(alice, b.get("contact").asText(), "Bob");
        add(bob, a.get("contact").asText(), "Alice");

        CliProcess receive = CliProcess.start(as(bob, "receive", "--json", "--count", "2", "--timeout", "60"));
        try {
            JsonNode online = JSON.readTree(receive.awaitLine(l -> l.contains("\"event\":\"online\""), 30));
            assertThat(online.get("peerId").asText()).isEqualTo(b.get("peerId").asText());

            CliProcess byName = CliProcess.run(45, as(alice, "message", "--to", "bob", "hello \"Bob\" ✓"));
            assertThat(byName.exitCode()).as(byName.toString()).isZero();
            assertThat(byName.out()).anySatisfy(l -> assertThat(l).startsWith("Delivered to Bob"));

            JsonNode m = JSON.readTree(receive.awaitLine(l -> l.contains("\"event\":\"message\""), 15));
            assertThat(m.get("from").asText()).isEqualTo(a.get("peerId").asText());
            assertThat(m.get("name").asText()).isEqualTo("Alice");
            assertThat(m.get("text").asText()).isEqualTo("hello \"Bob\" ✓");

            String prefix = b.get("peerId").asText().substring(0, 6);
            CliProcess byPrefix = CliProcess.run(45, as(alice, "message", "--json", "--to", prefix, "second"));
            assertThat(byPrefix.exitCode()).as(byPrefix.toString()).isZero();
            assertThat(byPrefix.out()).hasSize(1);
            JsonNode ack = JSON.readTree(byPrefix.out().get(0));
            assertThat(ack.get("state").asText()).isEqualTo("delivered");
            assertThat(ack.get("to").asText()).isEqualTo(b.get("peerId").asText());

            JsonNode m2 = JSON.readTree(receive.awaitLine(l -> l.contains("\"event\":\"message\""), 15));
            assertThat(m2.get("text").asText()).isEqualTo("second");
            assertThat(m2.get("id").asText()).isEqualTo(ack.get("id").asText());

            assertThat(receive.awaitExit(20)).as(receive.toString()).isZero();
            assertThat(receive.out()).allSatisfy(l -> assertThat(l).startsWith("{"));
        } finally {
            receive.kill();
        }
    }

    @Test
    void receiveExitsZeroAtTimeout() throws Exception {
        CliProcess p = CliProcess.run(30, as(tmp.resolve("solo"), "receive", "--json", "--timeout", "1"));
        assertThat(p.exitCode()).as(p.toString()).isZero();
        assertThat(p.out()).hasSize(1).first().asString().contains("\"event\":\"online\"");
    }

    @Test
    void unreachableServerIsExit4WithOneClearLine() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Path p1 = tmp.resolve("p1");
        add(p1, id(tmp.resolve("p2")).get("contact").asText(), "Friend");
        CliProcess p = CliProcess.run(40, "--profile", p1.toString(), "--server", "ws://127.0.0.1:" + closedPort,
                "message", "--to", "Friend", "hi");
        assertThat(p.exitCode()).as(p.toString()).isEqualTo(ExitCodes.SERVER_UNREACHABLE);
        assertThat(p.err()).as(p.toString()).hasSize(1);
        assertThat(p.err().get(0)).startsWith("parley: cannot reach signaling server ws://127.0.0.1:" + closedPort)
                .contains("parley serve").doesNotContain("Exception");
    }

    @Test
    void unknownContactIsExit5() throws Exception {
        CliProcess p = CliProcess.run(30, as(tmp.resolve("lonely"), "message", "--to", "Nobody", "hi"));
        assertThat(p.exitCode()).as(p.toString()).isEqualTo(ExitCodes.CONTACT);
        assertThat(p.err()).hasSize(1);
        assertThat(p.err().get(0)).startsWith("parley: no contact matches 'Nobody'").contains("parley contacts add");
    }

    @Test
    void badContactStringIsExit5() throws Exception {
        for (String bad : new String[] {"parley:not-a-key", "hello"}) {
            CliProcess p = CliProcess.run(30, as(tmp.resolve("p"), "contacts", "add", bad, "--name", "X"));
            assertThat(p.exitCode()).as(p.toString()).isEqualTo(ExitCodes.CONTACT);
            assertThat(p.err()).as(p.toString()).hasSize(1);
            assertThat(p.err().get(0)).startsWith("parley: bad contact string").doesNotContain("Exception");
        }
    }

    @Test
    void offlineContactIsExit6AndTheMessageStaysQueued() throws Exception {
        Path p1 = tmp.resolve("p1");
        add(p1, id(tmp.resolve("away")).get("contact").asText(), "Away");
        CliProcess p = CliProcess.run(40, as(p1, "message", "--timeout", "2", "--to", "Away", "are you there?"));
        assertThat(p.exitCode()).as(p.toString()).isEqualTo(ExitCodes.PEER_UNREACHABLE);
        assertThat(p.err()).hasSize(1);
        assertThat(p.err().get(0)).startsWith("parley: Away is offline").contains("queued");
    }

    @Test
    void wrongSafetyNumberIsExit7AndTheRightOneVerifies() throws Exception {
        Path p1 = tmp.resolve("p1");
        add(p1, id(tmp.resolve("p2")).get("contact").asText(), "Carol");
        CliProcess show = CliProcess.run(30, as(p1, "contacts", "verify", "Carol", "--json"));
        assertThat(show.exitCode()).as(show.toString()).isZero();
        String number = JSON.readTree(show.out().get(0)).get("safetyNumber").asText();
        assertThat(number).matches("[0-9]{60}");

        CliProcess wrong = CliProcess.run(30, as(p1, "contacts", "verify", "Carol", "--confirm", "12345"));
        assertThat(wrong.exitCode()).as(wrong.toString()).isEqualTo(ExitCodes.SECURITY);
        assertThat(wrong.err()).hasSize(1);

        String spaced = number.replaceAll("(.{5})", "$1 ").trim();
        CliProcess right = CliProcess.run(30, as(p1, "contacts", "verify", "Carol", "--confirm", spaced));
        assertThat(right.exitCode()).as(right.toString()).isZero();
        CliProcess list = CliProcess.run(30, as(p1, "contacts", "list", "--json"));
        assertThat(JSON.readTree(list.out().get(0)).get(0).get("verified").asBoolean()).isTrue();
    }

    @Test
    void usageErrorsAreExit2() throws Exception {
        CliProcess p = CliProcess.run(30, as(tmp.resolve("p"), "message", "hi"));
        assertThat(p.exitCode()).as(p.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(p.err()).hasSize(1);
        assertThat(p.err().get(0)).contains("--to").contains("parley message --help");
    }
}
