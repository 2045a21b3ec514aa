package dev.parley.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.client.GroupId;
import dev.parley.client.GroupInfo;
import dev.parley.client.ParleyClient;
import dev.parley.client.ParleyConfig;
import dev.parley.client.ParleyListener;
import dev.parley.client.PeerId;
import dev.parley.client.ToneAnalysis;
import dev.parley.server.ServerConfig;
import dev.parley.server.SignalingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code parley call --group} through a running {@code parley daemon} (the daemon plays the WAV and
 * writes the recording), answered by a member that runs the profile in its own process, each in its
 * own JVM against a real signaling server; then {@code parley group history} shows the call at both,
 * through the daemon and without one.
 */
@Tag("native")
class GroupCallDaemonCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ToneAnalysis.Threshold CLEAR = new ToneAnalysis.Threshold(0.05, 0.5);

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

    @Test
    void callGroupRunsThroughTheDaemonAndBothHistoriesShowTheCall() throws Exception {
        Path alice = tmp.resolve("alice"), bob = tmp.resolve("bob");
        PeerId[] ids = duo(alice, bob);
        Path aliceTone = tmp.resolve("alice-tone.wav"), bobTone = tmp.resolve("bob-tone.wav");
        FileAndCallCommandsTest.writeTone(aliceTone, 600, 30);
        FileAndCallCommandsTest.writeTone(bobTone, 900, 30);
        Path aliceHeard = tmp.resolve("alice-heard.wav"), bobHeard = tmp.resolve("bob-heard.wav");

        CliProcess daemon = startCli(alice, "daemon", "--json");
        daemon.awaitLine(l -> l.contains("\"ready\""), 60);
        CliProcess b = startCli(bob, "answer", "--group", "Duo", "--play", bobTone.toString(), "--record", bobHeard.toString(),
                "--duration", "6s", "--timeout", "120", "--json");
        b.awaitLine(l -> l.contains("\"event\":\"online\""), 60);
        // Relative paths on purpose: the command makes them absolute for the daemon, which opens them.
        CliProcess a = startCliIn(tmp, alice, "call", "--group", "Duo", "--play", "alice-tone.wav", "--record", "alice-heard.wav",
                "--duration", "6s", "--json");
        assertThat(a.awaitExit(120)).as(a.toString()).isZero();
        assertThat(b.awaitExit(120)).as(b.toString()).isZero();

        List<String> aEvents = a.out().stream().map(l -> event(l)).toList();
        assertThat(aEvents).as(a.toString()).startsWith("online", "call-started").contains("participant-joined").endsWith("ended");
        JsonNode ended = JSON.readTree(a.out().get(a.out().size() - 1));
        assertThat(ended.get("reason").asText()).isEqualTo("left");
        assertThat(ended.get("durationMs").asLong()).isGreaterThanOrEqualTo(5_900L);
        assertThat(daemon.isAlive()).as("the daemon serves on after the call").isTrue();

        // The daemon's process wrote Alice's recording: Bob's tone and not hers; Bob's has Alice's.
        assertThat(aliceHeard).exists();
        heardOnly("alice (the daemon's recording)", aliceHeard, 900, 600);
        heardOnly("bob", bobHeard, 600, 900);

        // The history: one joined call at each, with the other; through the daemon for Alice.
        JsonNode aHist = history(alice), bHist = history(bob);
        assertThat(aHist).as("%s", aHist).hasSize(1);
        assertThat(aHist.get(0).get("kind").asText()).isEqualTo("call");
        assertThat(aHist.get(0).get("joined").asBoolean()).isTrue();
        assertThat(aHist.get(0).get("with").get(0).asText()).isEqualTo(ids[1].value());
        assertThat(aHist.get(0).get("inCallMs").asLong()).isGreaterThanOrEqualTo(5_900L);
        assertThat(bHist).as("%s", bHist).hasSize(1);
        assertThat(bHist.get(0).get("callId").asText()).isEqualTo(aHist.get(0).get("callId").asText());
        assertThat(bHist.get(0).get("with").get(0).asText()).isEqualTo(ids[0].value());
        CliProcess text = CliProcess.run(60, CliProcess.as(alice, url, "group", "history", "Duo"));
        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out()).as(text.toString()).singleElement().asString().matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d  · call, \\d+ s, with Bob");

        // Bob starts the next call; Alice answers it through the daemon (which may know of it already: then at once).
        CliProcess b2 = startCli(bob, "call", "--group", "Duo", "--play", bobTone.toString(), "--duration", "20s", "--json");
        b2.awaitLine(l -> l.contains("\"participant-joined\"") && l.contains("\"you\":true"), 60);
        CliProcess a2 = startCli(alice, "answer", "--group", "Duo", "--record", aliceHeard.resolveSibling("alice-heard-2.wav").toString(),
                "--duration", "3s", "--timeout", "60", "--json");
        assertThat(a2.awaitExit(120)).as(a2.toString()).isZero();
        assertThat(b2.awaitExit(120)).as("Bob leaves after his 20 s: %s", b2).isZero();
        List<String> a2Events = a2.out().stream().map(l -> event(l)).toList();
        assertThat(a2Events).as(a2.toString()).startsWith("online").contains("participant-joined").endsWith("ended");
        JsonNode again = history(alice);
        assertThat(again).as("%s", again).hasSize(2);
        assertThat(again.get(1).get("joined").asBoolean()).isTrue();
        assertThat(again.get(1).get("callId").asText()).isNotEqualTo(aHist.get(0).get("callId").asText());
        heardOnly("alice answering through the daemon", aliceHeard.resolveSibling("alice-heard-2.wav"), 900, 600);
    }

    private static String event(String line) {
        try {
            return JSON.readTree(line).get("event").asText();
        } catch (Exception e) {
            throw new AssertionError("not a JSON line: " + line, e);
        }
    }

    private JsonNode history(Path profile) throws Exception {
        CliProcess h = CliProcess.run(60, CliProcess.as(profile, url, "group", "history", "Duo", "--json"));
        assertThat(h.exitCode()).as(h.toString()).isZero();
        return JSON.readTree(h.out().get(0));
    }

    /** From the first window with the other's tone, 2 s: it in ≥ 80 % of the windows, our own in ≤ 2 %. */
    private static void heardOnly(String who, Path wav, double other, double own) throws Exception {
        ToneAnalysis t = ToneAnalysis.read(wav, CLEAR);
        int first = t.firstToneWindow(other);
        assertThat(first).as("%s heard %.0f Hz at all (%d windows)", who, other, t.windows()).isGreaterThanOrEqualTo(0);
        int n = 2_000 / ToneAnalysis.WINDOW_MS;
        assertThat(first + n).as("%s: 2 s recorded", who).isLessThanOrEqualTo(t.windows());
        assertThat(t.coverage(other, first, n).fraction()).as("%s hears %.0f Hz", who, other).isGreaterThanOrEqualTo(0.8);
        int echo = 0;
        for (int w = first; w < first + n; w++) if (t.purity(w, own) > 0.05) echo++;
        assertThat(echo).as("%s: windows with its own %.0f Hz", who, own).isLessThanOrEqualTo(n / 50);
    }

    /** Alice founds "Duo" with Bob (contacts of each other, named), in this JVM; returns their ids. */
    private PeerId[] duo(Path alice, Path bob) throws Exception {
        BlockingQueue<GroupId> invited = new LinkedBlockingQueue<>();
        try (ParleyClient a = ParleyClient.open(ParleyConfig.builder(alice).server(URI.create(url)).build(), new ParleyListener() { });
             ParleyClient b = ParleyClient.open(ParleyConfig.builder(bob).server(URI.create(url)).build(), new ParleyListener() {
                 @Override
                 public void onGroupInvited(GroupId group, String name, PeerId from) {
                     invited.add(group);
                 }
             })) {
            a.start();
            b.start();
            a.addContact(b.contactString("Bob").toString(), "Bob");
            b.addContact(a.contactString("Alice").toString(), "Alice");
            GroupInfo g = a.createGroup("Duo");
            a.invite(g.id(), List.of(b.peerId()));
            assertThat(invited.poll(60, TimeUnit.SECONDS)).as("bob invited").isEqualTo(g.id());
            b.acceptGroup(g.id());
            return new PeerId[] {a.peerId(), b.peerId()};
        }
    }

    private CliProcess startCli(Path profile, String... args) throws Exception {
        CliProcess p = CliProcess.start(CliProcess.as(profile, url, args));
        started.add(p);
        return p;
    }

    /** As {@link #startCli} with {@code dir} as the working directory (for relative paths). */
    private CliProcess startCliIn(Path dir, Path profile, String... args) throws Exception {
        CliProcess p = CliProcess.startIn(dir, CliProcess.as(profile, url, args));
        started.add(p);
        return p;
    }
}
