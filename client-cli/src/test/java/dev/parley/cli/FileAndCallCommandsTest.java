package dev.parley.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.client.ToneAnalysis;
import dev.parley.server.ServerConfig;
import dev.parley.server.SignalingServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code send-file}, {@code receive} with files, {@code call} and {@code answer} as scripts run them:
 * each a separate JVM against a real signaling server on port 0; Alice and Bob are made once.
 */
@Tag("native")
class FileAndCallCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SignalingServer server;
    private static String url;
    @TempDir
    static Path shared;
    private static Path alice, bob;
    private static String bobId, aliceId;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startServerAndBefriend() throws Exception {
        server = new SignalingServer(ServerConfig.builder().bindAddress("127.0.0.1").port(0).httpPort(-1).build());
        url = "ws://127.0.0.1:" + server.start().wsPort();
        alice = shared.resolve("alice");
        bob = shared.resolve("bob");
        JsonNode a = id(alice), b = id(bob);
        aliceId = a.get("peerId").asText();
        bobId = b.get("peerId").asText();
        assertThat(CliProcess.run(30, as(alice, "contacts", "add", b.get("contact").asText(), "--name", "Bob")).exitCode()).isZero();
        assertThat(CliProcess.run(30, as(bob, "contacts", "add", a.get("contact").asText(), "--name", "Alice")).exitCode()).isZero();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.close();
    }

    private static String[] as(Path profile, String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "--profile";
        all[1] = profile.toString();
        all[2] = "--server";
        all[3] = url;
        System.arraycopy(args, 0, all, 4, args.length);
        return all;
    }

    private static JsonNode id(Path profile) throws Exception {
        CliProcess p = CliProcess.run(30, as(profile, "id", "--json"));
        assertThat(p.exitCode()).as(p.toString()).isZero();
        return JSON.readTree(p.out().get(0));
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void sendFileExitsZeroOnceReceivedAndTheReceivedFileHasTheSameHash() throws Exception {
        Path source = tmp.resolve("photo.bin");
        byte[] bytes = new byte[700_000];
        new Random(7).nextBytes(bytes);
        Files.write(source, bytes);
        Path inbox = tmp.resolve("inbox");

        CliProcess receive = CliProcess.start(as(bob, "receive", "--auto-accept", "--dir", inbox.toString(), "--json",
                "--count", "1", "--timeout", "90"));
        try {
            receive.awaitLine(l -> l.contains("\"event\":\"online\""), 30);
            CliProcess send = CliProcess.run(90, as(alice, "send-file", "--json", "--to", "Bob", source.toString()));
            assertThat(send.exitCode()).as(send.toString()).isZero();
            assertThat(send.out()).as(send.toString()).hasSize(1);
            JsonNode sent = JSON.readTree(send.out().get(0));
            assertThat(sent.get("state").asText()).isEqualTo("delivered");
            assertThat(sent.get("sha256").asText()).isEqualTo(sha256(source));
            assertThat(sent.get("size").asLong()).isEqualTo(bytes.length);

            JsonNode offer = JSON.readTree(receive.awaitLine(l -> l.contains("\"event\":\"offer\""), 15));
            assertThat(offer.get("action").asText()).isEqualTo("accepted");
            assertThat(offer.get("file").asText()).isEqualTo("photo.bin");
            JsonNode file = JSON.readTree(receive.awaitLine(l -> l.contains("\"event\":\"file\""), 15));
            assertThat(file.get("from").asText()).isEqualTo(aliceId);
            assertThat(file.get("name").asText()).isEqualTo("Alice");
            assertThat(file.get("size").asLong()).isEqualTo(bytes.length);
            Path received = Path.of(file.get("path").asText());
            assertThat(received.getParent()).isEqualTo(inbox.toAbsolutePath());
            assertThat(sha256(received)).isEqualTo(sha256(source)).isEqualTo(file.get("sha256").asText());

            assertThat(receive.awaitExit(20)).as(receive.toString()).isZero();
            assertThat(receive.out()).allSatisfy(l -> assertThat(l).startsWith("{"));
        } finally {
            receive.kill();
        }
    }

    @Test
    void aDeclinedFileIsExit9ForTheSender() throws Exception {
        Path source = tmp.resolve("unwanted.txt");
        Files.writeString(source, "no thanks");
        CliProcess receive = CliProcess.start(as(bob, "receive", "--json", "--timeout", "90"));
        try {
            receive.awaitLine(l -> l.contains("\"event\":\"online\""), 30);
            CliProcess send = CliProcess.run(90, as(alice, "send-file", "--to", "Bob", source.toString()));
            assertThat(send.exitCode()).as(send.toString()).isEqualTo(ExitCodes.REJECTED);
            assertThat(send.err()).as(send.toString()).hasSize(1);
            assertThat(send.err().get(0)).startsWith("parley: Bob declined unwanted.txt");
            assertThat(send.out()).isEmpty();
            JsonNode offer = JSON.readTree(receive.awaitLine(l -> l.contains("\"event\":\"offer\""), 15));
            assertThat(offer.get("action").asText()).isEqualTo("declined");
            assertThat(offer.get("reason").asText()).contains("--auto-accept");
            assertThat(offer.get("from").asText()).isEqualTo(aliceId);
        } finally {
            receive.kill();
            receive.awaitExitQuietly(20);
        }
    }

    @Test
    void fileErrorsAreExit8WithOneLine() throws Exception {
        Path missing = tmp.resolve("nope.txt");
        CliProcess p = CliProcess.run(30, as(alice, "send-file", "--to", "Bob", missing.toString()));
        assertThat(p.exitCode()).as(p.toString()).isEqualTo(ExitCodes.FILE);
        assertThat(p.err()).as(p.toString()).hasSize(1);
        assertThat(p.err().get(0)).isEqualTo("parley: file " + missing + " not found: check the path");

        CliProcess dir = CliProcess.run(30, as(alice, "send-file", "--to", "Bob", tmp.toString()));
        assertThat(dir.exitCode()).as(dir.toString()).isEqualTo(ExitCodes.FILE);
        assertThat(dir.err()).as(dir.toString()).singleElement().asString().contains("is a directory");

        Path exists = Files.writeString(tmp.resolve("taken.wav"), "x");
        CliProcess rec = CliProcess.run(30, as(bob, "answer", "--record", exists.toString()));
        assertThat(rec.exitCode()).as(rec.toString()).isEqualTo(ExitCodes.FILE);
        assertThat(rec.err()).as(rec.toString()).singleElement().asString().contains("already exists");
    }

    @Test
    void aHeadlessCallCarriesTheCallersToneToTheRecording() throws Exception {
        Path tone = tmp.resolve("tone.wav");
        writeTone(tone, 1000, 10);
        Path recording = tmp.resolve("heard.wav");

        CliProcess answer = CliProcess.start(as(bob, "answer", "--record", recording.toString(), "--timeout", "60", "--json"));
        try {
            answer.awaitLine(l -> l.contains("\"event\":\"online\""), 30);
            CliProcess call = CliProcess.run(90, as(alice, "call", "--to", "Bob", "--play", tone.toString(), "--duration", "3s", "--json"));
            assertThat(call.exitCode()).as(call.toString()).isZero();
            assertThat(call.out()).as(call.toString()).allSatisfy(l -> assertThat(l).startsWith("{"));
            // Event order, not wall-clock windows: answered once, then stats, then one end, last.
            java.util.List<String> events = new java.util.ArrayList<>();
            for (String l : call.out()) events.add(JSON.readTree(l).get("event").asText());
            assertThat(events.stream().filter("call-answered"::equals).count()).as(events.toString()).isEqualTo(1);
            assertThat(events.stream().filter("call-ended"::equals).count()).as(events.toString()).isEqualTo(1);
            int answeredAt = events.indexOf("call-answered");
            assertThat(events.subList(answeredAt, events.size())).as(events.toString()).contains("call-stats");
            assertThat(call.out().subList(answeredAt, call.out().size())).anySatisfy(l -> assertThat(l)
                    .contains("\"event\":\"call-stats\"").contains("\"codec\":\"audio/opus\""));
            JsonNode ended = JSON.readTree(call.out().get(call.out().size() - 1));
            assertThat(ended.get("event").asText()).isEqualTo("call-ended");
            assertThat(ended.get("reason").asText()).isEqualTo("completed");
            // --duration 3s is a promise of at least that much answered call (less a frame of slack); no upper bound:
            // a call that ignored it would never end and the bounded run() would fail instead.
            assertThat(ended.get("durationMs").asLong()).isGreaterThanOrEqualTo(2_500L);

            assertThat(answer.awaitExit(30)).as(answer.toString()).isZero();
            assertThat(answer.out()).anySatisfy(l -> assertThat(l).contains("\"event\":\"call-ringing\"").contains(aliceId));
            assertThat(JSON.readTree(answer.out().get(answer.out().size() - 1)).get("reason").asText()).isEqualTo("completed");

            ToneAnalysis heard = ToneAnalysis.read(recording); // clean: louder than -26 dBFS, over 90 % of the energy at 1 kHz
            int first = heard.firstToneWindow(1000);
            assertThat(first).as("the tone reached Bob's recording").isGreaterThanOrEqualTo(0);
            // up to the last tone window: after the hang-up the recording may run on in silence for a while under load
            int windows = heard.lastToneWindow(1000) - first + 1;
            assertThat(windows).as("at least 2 of the 3 s carried the tone").isGreaterThanOrEqualTo(100);
            assertThat(heard.coverage(1000, first, windows).fraction()).as("tone windows of %d from %d ms; gaps: %s", windows, first * 20,
                    heard.gaps(1000, first, windows)).isGreaterThanOrEqualTo(0.8); // the strict bar is HeadlessAudioTest's; see CallTest
        } finally {
            answer.kill();
        }
    }

    @Test
    void answerWithoutACallIsExit6() throws Exception {
        CliProcess p = CliProcess.run(40, as(bob, "answer", "--record", tmp.resolve("x.wav").toString(), "--timeout", "1"));
        assertThat(p.exitCode()).as(p.toString()).isEqualTo(ExitCodes.PEER_UNREACHABLE);
        assertThat(p.err()).as(p.toString()).filteredOn(l -> l.startsWith("parley:")).singleElement().asString()
                .startsWith("parley: no call came within 1 s");
        assertThat(p.out()).isEmpty();
    }

    /** A 16-bit 48 kHz mono sine, written with javax.sound.sampled. */
    static void writeTone(Path wav, double hz, int seconds) throws Exception {
        int rate = 48_000;
        byte[] pcm = new byte[rate * seconds * 2];
        for (int i = 0; i < rate * seconds; i++) {
            short s = (short) (0.5 * 32767 * Math.sin(2 * Math.PI * hz * i / rate));
            pcm[2 * i] = (byte) s;
            pcm[2 * i + 1] = (byte) (s >> 8);
        }
        AudioFormat f = new AudioFormat(rate, 16, 1, true, false);
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(pcm), f, rate * seconds)) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, wav.toFile());
        }
    }
}
