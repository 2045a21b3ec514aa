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

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code send-file --group} and the group-file events of {@code receive --auto-accept --json}, every
 * command its own JVM against a real server. The group is set up through daemons (as in
 * {@link GroupCliTest}); the file commands run the profiles in process (the daemons stopped first),
 * and then once more through the daemons.
 */
@Tag("native")
class GroupFileCliTest {
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

    private CliProcess ok(Path profile, String... args) throws Exception {
        CliProcess p = CliProcess.run(90, CliProcess.as(profile, url, args));
        assertThat(p.exitCode()).as(p.toString()).isZero();
        return p;
    }

    private CliProcess startCli(Path profile, String... args) throws Exception {
        CliProcess p = CliProcess.start(CliProcess.as(profile, url, args));
        started.add(p);
        return p;
    }

    private static JsonNode event(CliProcess r, String event, String mustContain) throws Exception {
        return JSON.readTree(r.awaitLine(l -> l.contains("\"event\":\"" + event + "\"") && l.contains(mustContain), 90));
    }

    private record Family(String gid, String ap, String bp, CliProcess da, CliProcess db, CliProcess bobRx) {}

    /** Alice and Bob, each other's contacts, their daemons running, in the group "Family" that Alice made; Bob's receive watching. */
    private Family family(Path alice, Path bob) throws Exception {
        JsonNode a = JSON.readTree(ok(alice, "id", "--json").out().get(0)), b = JSON.readTree(ok(bob, "id", "--json").out().get(0));
        String ap = a.get("peerId").asText(), bp = b.get("peerId").asText();
        ok(alice, "contacts", "add", b.get("contact").asText(), "--name", "Bob");
        ok(bob, "contacts", "add", a.get("contact").asText(), "--name", "Alice");
        CliProcess da = startCli(alice, "daemon", "--json"), db = startCli(bob, "daemon", "--json");
        da.awaitLine(l -> l.contains("\"ready\""), 60);
        db.awaitLine(l -> l.contains("\"ready\""), 60);
        CliProcess bobRx = startCli(bob, "receive", "--json");
        bobRx.awaitLine(l -> l.contains("\"online\""), 60);
        String gid = JSON.readTree(ok(alice, "group", "create", "Family", "--json").out().get(0)).get("group").asText();
        ok(alice, "group", "invite", "Family", "Bob");
        event(bobRx, "group-invite", gid);
        ok(bob, "group", "accept", "Family");
        return new Family(gid, ap, bp, da, db, bobRx);
    }

    @Test
    void throughRunningDaemonsTheSameCommandsShareAndReceiveTheFile() throws Exception {
        Path alice = tmp.resolve("alice"), bob = tmp.resolve("bob");
        Family f = family(alice, bob);
        f.bobRx.kill();
        f.bobRx.awaitExitQuietly(20);
        byte[] data = new byte[500_000];
        new Random(4).nextBytes(data);
        Path source = tmp.resolve("notes.bin");
        Files.write(source, data);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        CliProcess rx = startCli(bob, "receive", "--auto-accept", "--json");
        rx.awaitLine(l -> l.contains("\"online\""), 60);

        CliProcess send = ok(alice, "send-file", "--group", "Family", "--json", "--timeout", "60", source.toString());
        JsonNode s = JSON.readTree(send.out().get(0));
        assertThat(s.get("group").asText()).isEqualTo(f.gid);
        assertThat(s.get("state").asText()).isEqualTo("held");
        assertThat(s.get("sha256").asText()).isEqualTo(sha);
        assertThat(s.get("holders")).extracting(JsonNode::asText).containsExactly(f.bp);

        JsonNode offer = event(rx, "offer", f.gid);
        assertThat(offer.get("id").asText()).isEqualTo(s.get("id").asText());
        assertThat(offer.get("action").asText()).isEqualTo("accepted");
        JsonNode file = event(rx, "file", f.gid);
        assertThat(file.get("sha256").asText()).isEqualTo(sha);
        assertThat(file.get("sources").get(f.ap).asLong()).isEqualTo(data.length);
        assertThat(Files.readAllBytes(Path.of(file.get("path").asText()))).as("in Bob's daemon's download folder").isEqualTo(data);
    }

    @Test
    void receiveWithoutAutoAcceptReportsAFileTheDaemonsGroupRuleTookAsAcceptedOnce() throws Exception {
        Path alice = tmp.resolve("alice"), bob = tmp.resolve("bob");
        Family f = family(alice, bob);
        f.bobRx.kill();
        f.bobRx.awaitExitQuietly(20);
        // An app gives Bob's daemon a rule for the group (docs/api.md § Group files): files up to 1 MB are taken.
        String bobUrl = JSON.readTree(f.db.out().stream().filter(l -> l.contains("\"ready\"")).findFirst().orElseThrow()).get("url").asText();
        HttpResponse<String> rule = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(bobUrl + "/v1/groups/" + f.gid + "/files/auto-accept"))
                        .header("Authorization", "Bearer " + Files.readString(bob.resolve("api-token")).trim())
                        .POST(HttpRequest.BodyPublishers.ofString("{\"maxBytes\":1000000}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(rule.statusCode()).as(rule.body()).isEqualTo(200);
        byte[] data = new byte[300_000];
        new Random(5).nextBytes(data);
        Path source = tmp.resolve("agenda.bin");
        Files.write(source, data);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        CliProcess rx = startCli(bob, "receive", "--json"); // by itself it would decline
        rx.awaitLine(l -> l.contains("\"online\""), 60);

        CliProcess send = ok(alice, "send-file", "--group", "Family", "--json", "--timeout", "60", source.toString());
        assertThat(JSON.readTree(send.out().get(0)).get("holders")).extracting(JsonNode::asText).containsExactly(f.bp);
        JsonNode offer = JSON.readTree(rx.awaitLine(l -> l.contains("\"event\":\"offer\""), 90));
        assertThat(offer.get("group").asText()).isEqualTo(f.gid);
        assertThat(offer.get("action").asText()).isEqualTo("accepted");
        assertThat(offer.get("reason").asText()).contains("auto-accept rule");
        // The next file event line is the file: nothing declined, failed or offered twice in between (the offer's
        // group post is also a "message" line, in either order with the offer; presence and server lines are not about it).
        JsonNode file = JSON.readTree(rx.awaitLine(l -> l.startsWith("{") && !l.contains("\"event\":\"presence\"")
                && !l.contains("\"event\":\"server\"") && !l.contains("\"event\":\"message\""), 90));
        assertThat(file.get("event").asText()).as(file.toString()).isEqualTo("file");
        assertThat(file.get("sha256").asText()).isEqualTo(sha);
        assertThat(Files.readAllBytes(Path.of(file.get("path").asText()))).isEqualTo(data);
    }

    @Test
    void sendFileToAGroupExitsOnceAMemberHoldsItAndReceiveReportsGroupAndSources() throws Exception {
        Path alice = tmp.resolve("alice"), bob = tmp.resolve("bob");
        Family f = family(alice, bob);
        String gid = f.gid, ap = f.ap, bp = f.bp;
        for (CliProcess p : List.of(f.bobRx, f.db, f.da)) {
            p.kill();
            p.awaitExitQuietly(20);
        }

        byte[] data = new byte[700_000];
        new Random(3).nextBytes(data);
        Path source = tmp.resolve("photos.bin");
        Files.write(source, data);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        Path inbox = tmp.resolve("inbox");
        CliProcess rx = startCli(bob, "receive", "--auto-accept", "--dir", inbox.toString(), "--json");
        rx.awaitLine(l -> l.contains("\"online\""), 60);

        CliProcess send = ok(alice, "send-file", "--group", "Family", "--json", "--timeout", "60", source.toString());
        JsonNode s = JSON.readTree(send.out().get(0));
        assertThat(s.get("group").asText()).isEqualTo(gid);
        assertThat(s.get("state").asText()).isEqualTo("held");
        assertThat(s.get("sha256").asText()).isEqualTo(sha);
        assertThat(s.get("holders")).extracting(JsonNode::asText).containsExactly(bp);

        JsonNode offer = event(rx, "offer", gid);
        assertThat(offer.get("id").asText()).isEqualTo(s.get("id").asText());
        assertThat(offer.get("from").asText()).isEqualTo(ap);
        assertThat(offer.get("action").asText()).isEqualTo("accepted");
        JsonNode file = event(rx, "file", gid);
        assertThat(file.get("sha256").asText()).isEqualTo(sha);
        assertThat(file.get("size").asLong()).isEqualTo(data.length);
        assertThat(file.get("sources").get(ap).asLong()).isEqualTo(data.length);
        assertThat(Files.readAllBytes(Path.of(file.get("path").asText()))).isEqualTo(data);
        assertThat(Path.of(file.get("path").asText()).getParent()).isEqualTo(inbox.toRealPath());

        CliProcess both = CliProcess.run(30, CliProcess.as(alice, url, "send-file", "--group", "Family", "--to", "Bob", source.toString()));
        assertThat(both.exitCode()).as(both.toString()).isEqualTo(ExitCodes.USAGE);
    }
}
