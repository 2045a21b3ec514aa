package dev.parley.client;

import dev.parley.client.example.EchoBot;
import dev.parley.testing.EventRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example program of docs/library.md ({@link EchoBot}, public API only) does what the document
 * says: in its own JVM against a real server, killed with kill -9 and started again, it receives what
 * was sent while it was down and answers every message exactly once.
 */
class EchoBotTest {
    @TempDir
    Path dir;
    TestNetwork net;
    Process bot;

    @AfterEach
    void tearDown() throws Exception {
        if (bot != null) bot.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        if (net != null) net.close();
    }

    @Test
    void theEchoBotAnswersEachMessageOnceAcrossAKillAndARestart() throws Exception {
        net = new TestNetwork(dir);
        EventRecorder<ParleyEvent> rec = new EventRecorder<ParleyEvent>("alice").timeout(Duration.ofSeconds(30))
                .ignoring(ParleyEvent.ServerStateChanged.class, ParleyEvent.Presence.class, ParleyEvent.SessionStateChanged.class,
                        ParleyEvent.Typing.class, ParleyEvent.ContactChanged.class, ParleyEvent.MessageStateChanged.class)
                .ignoring("alice's own sends", e -> e instanceof ParleyEvent.MessageAdded a
                        && a.message().direction() == Direction.OUTGOING);
        ParleyClient alice = net.client("alice", new ParleyListener() {
            @Override
            public void onEvent(ParleyEvent event) {
                rec.record(event);
            }
        });
        String aliceContact = alice.contactString("alice").toString();
        PeerId echo = alice.addContact(startBot(aliceContact), "echo").peerId();

        alice.send(echo, "one");
        assertThat(reply(rec.next(ParleyEvent.MessageAdded.class))).isEqualTo("you said: one");

        // Killed for real, at whatever point it is (its ack of "one" may or may not be written yet).
        assertThat(bot.destroyForcibly().waitFor(30, TimeUnit.SECONDS)).isTrue();
        alice.send(echo, "two"); // while it is down: queued here until it is back
        startBot(aliceContact);
        assertThat(reply(rec.next(ParleyEvent.MessageAdded.class))).as("sent while it was down").isEqualTo("you said: two");

        alice.send(echo, "three");
        rec.assertNothingElseUntil("the answer to 'three' (no second answer to 'one' or 'two' first)",
                e -> e instanceof ParleyEvent.MessageAdded a && a.message().text().equals("you said: three"));
        List<String> answers = alice.history(echo, HistoryQuery.oldestFirst().direction(Direction.INCOMING).limit(10))
                .items().stream().map(ChatMessage::text).toList();
        assertThat(answers).containsExactly("you said: one", "you said: two", "you said: three");
    }

    @Test
    void docsLibraryQuotesTheExampleAsItIs() throws Exception {
        String source = Files.readString(Path.of("src/test/java/dev/parley/client/example/EchoBot.java"));
        String doc = Files.readString(Path.of("../docs/library.md"));
        assertThat(doc).as("docs/library.md quotes EchoBot.java verbatim; update the doc with the example")
                .contains("```java\n" + source + "```\n");
    }

    private static String reply(ParleyEvent.MessageAdded e) {
        assertThat(e.message().direction()).isEqualTo(Direction.INCOMING);
        return e.message().text();
    }

    /** Starts (or restarts) the bot on its profile with alice as its contact; returns its contact string. */
    private String startBot(String aliceContact) throws Exception {
        PeerProcess.Child c = PeerProcess.start(EchoBot.class, net.profile("echo"), net.uri(), aliceContact,
                dir.resolve("echo.err"), new LinkedBlockingQueue<>());
        bot = c.process();
        return c.contact();
    }
}
