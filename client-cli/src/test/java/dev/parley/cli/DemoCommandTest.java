package dev.parley.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code parley demo} as a user runs it: a separate JVM, and its transcript checked line by line. */
@Tag("native")
class DemoCommandTest {
    @Test
    void demoVerifiesChatsSendsAFileCallsAndRunsAGroupEndToEnd() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "demo")
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        boolean done = p.waitFor(90, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();
        String out = read(p);
        assertThat(done).as("demo finished within 90 s; output so far:%n%s", out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out)
                .contains("signaling server listening on ws://127.0.0.1:")
                .contains("(identical on both sides)")
                .contains("logged in to the server by signing its challenge")
                .contains("bob    ← \"Hi Bob! This goes straight to you, end-to-end encrypted.\"")
                .contains("alice  ✓ delivered")
                .contains("alice  sees \"Bob is typing…\"")
                .contains("alice  ✓✓ read by Bob")
                .contains("200 more messages delivered and acknowledged, in order")
                .contains("history: alice 203, bob 203 messages; call completed")
                .contains("SHA-256 verified")
                .contains("phone rings: Alice (identity verified)")
                .containsPattern("Bob's recording has the tone in ([89][0-9]|100) %")
                .containsPattern("call: RTT [0-9.]+ ms, jitter [0-9.]+ ms, loss [0-9.]+ %, audio/opus")
                .contains("founds the group \"Weekend\" and invites Bob and Carol")
                .contains("carol  → group: \"Me too, I'll bring lunch.\"")
                .contains("all three show the same 3 messages in the same order (Lamport clock, then author): "
                        + "Hiking on Saturday? | I'm in! | Me too, I'll bring lunch.")
                .containsPattern("members: [a-z2-7]{8} \\(admin\\), [a-z2-7]{8}, [a-z2-7]{8}")
                .contains("alice  starts a group call, playing a 600 Hz tone")
                // Alice's session with Bob carried the 1:1 call before: this is its second call.
                .containsPattern("alice  hears bob's 900 Hz in ([5-9][0-9]|100) %; carol's 1200 Hz in ([5-9][0-9]|100) %")
                .containsPattern("bob    hears alice's 600 Hz in ([5-9][0-9]|100) %; carol's 1200 Hz in ([5-9][0-9]|100) %")
                .containsPattern("carol  hears alice's 600 Hz in ([5-9][0-9]|100) %; bob's 900 Hz in ([5-9][0-9]|100) %")
                .contains("group  all left: the last one out ended the call")
                // Each member's group history holds the call once it ended (Bob and Carol are not each other's contacts).
                .containsPattern("alice  history: · call, [0-9]+ s, with Bob, Carol")
                .containsPattern("bob    history: · call, [0-9]+ s, with Alice, [a-z2-7]{8}")
                .containsPattern("carol  history: · call, [0-9]+ s, with Alice, [a-z2-7]{8}")
                // The group file: Carol from Alice, then Bob from both (Bob and Carol are not each other's contacts).
                .contains("alice  shares \"trail-map.bin\" (8 MiB) into the group: a signed offer with the Merkle root of its pieces")
                .contains("carol  accepts; fetched every piece from alice (8.0 MiB), each checked against the tree; SHA-256 verified")
                .containsPattern("bob    accepts while alice's uploads are capped at 2 MiB/s: pieces came from alice \\([0-9.]+ MiB\\) "
                        + "and carol \\([0-9.]+ MiB\\) at once \\([0-9.]+ s\\); SHA-256 verified")
                .containsPattern("alice  opens her web interface \\('parley web'\\): the one-time login link gives a session cookie; "
                        + "the page \\([0-9]+ bytes, nothing from outside this machine\\) lists Bob, Carol and the group Weekend")
                .contains("Demo finished")
                .doesNotContain("SECURITY WARNING")
                .doesNotContain("Exception");
    }

    private static String read(Process p) throws IOException {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
