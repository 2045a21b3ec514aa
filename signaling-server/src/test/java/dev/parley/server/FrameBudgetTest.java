package dev.parley.server;

import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.signal.CloseCodes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every frame is charged to its connection: non-final continuations (even empty), pings and unsolicited
 * pongs count against budgets before and after login, a message spans at most max-fragments frames, and
 * before login the budget is much smaller. Each violation closes only that connection with the
 * documented code and is counted; a well-behaved pair keeps relaying promptly throughout.
 */
class FrameBudgetTest extends ServerTestSupport {
    private static final byte[] EMPTY = new byte[0];
    TestPeer h1;
    TestPeer h2;

    @BeforeEach
    void healthyPair() throws Exception {
        start();
        h1 = loggedIn();
        h2 = loggedIn();
    }

    private RawWsClient raw(int addressSuffix) throws IOException {
        RawWsClient r = RawWsClient.connect(InetAddress.getByName("127.0.0." + addressSuffix), ports.wsPort(),
                "127.0.0.1:" + ports.wsPort(), "", "");
        cleanup.add(r);
        return r;
    }

    private RawWsClient loggedInRaw(int addressSuffix) throws Exception {
        RawWsClient r = raw(addressSuffix);
        assertThat(r.login(IdentityKeyPair.generate(), "127.0.0.1:" + ports.wsPort())).contains("\"welcome\"");
        return r;
    }

    /** Sends frames from {@code next} until the server closes (or {@code max} frames); returns the close code. */
    private static int until(RawWsClient r, int max, FrameSource next) throws Exception {
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < max && !r.closed(); i++) next.send(i);
            } catch (IOException e) {
                // the server hung up: expected
            }
        });
        int code = r.awaitClose();
        writer.get(30, TimeUnit.SECONDS);
        return code;
    }

    interface FrameSource {
        void send(int i) throws IOException;
    }

    private long rejects(String reason) {
        return metric("parley_rejects_total{reason=\"" + reason + "\"}");
    }

    @Test
    void emptyContinuationFramesBeforeLoginSpendTheSmallPreLoginBudget() throws Exception {
        RawWsClient r = raw(2);
        r.nextText(); // challenge
        int code = until(r, 100_000, i -> r.frame(i == 0 ? RawWsClient.TEXT : RawWsClient.CONTINUATION, false, EMPTY));
        assertThat(code).isEqualTo(CloseCodes.POLICY_VIOLATION);
        assertThat(r.texts).anyMatch(t -> t.contains("\"rate_limited\""));
        assertThat(rejects("frame_flood")).isEqualTo(1);
        assertPairStillRelays(h1, h2);
    }

    @Test
    void aMessageSpanningMoreThanMaxFragmentsFramesIsRefusedEvenIfEveryFrameIsEmpty() throws Exception {
        RawWsClient r = loggedInRaw(2);
        int code = until(r, 100_000, i -> r.frame(i == 0 ? RawWsClient.TEXT : RawWsClient.CONTINUATION, false, EMPTY));
        assertThat(code).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
        assertThat(rejects("too_many_fragments")).isEqualTo(1);
        assertPairStillRelays(h1, h2);
    }

    @Test
    void fragmentedMessagesWithinTheFragmentCapStillPayPerFrame() throws Exception {
        RawWsClient r = loggedInRaw(3);
        // Each ping message is 60 frames: far fewer messages than the message rate allows, but the frames add up.
        byte[] head = "{\"type\":\"ping\"".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "}".getBytes(StandardCharsets.US_ASCII);
        int code = until(r, 100_000, i -> {
            int k = i % 60;
            if (k == 0) r.frame(RawWsClient.TEXT, false, head);
            else if (k == 59) r.frame(RawWsClient.CONTINUATION, true, tail);
            else r.frame(RawWsClient.CONTINUATION, false, EMPTY);
        });
        assertThat(code).isEqualTo(CloseCodes.POLICY_VIOLATION);
        assertThat(rejects("frame_flood")).isEqualTo(1);
        assertThat(rejects("rate_limited")).isZero();
        long pongs = r.texts.stream().filter(t -> t.contains("\"pong\"")).count();
        assertThat(pongs).as("whole messages served before the cut").isBetween(1L, 20L);
        assertPairStillRelays(h1, h2);
    }

    @Test
    void unsolicitedPongsAreChargedBeforeAndAfterLogin() throws Exception {
        RawWsClient before = raw(2);
        before.nextText();
        assertThat(until(before, 100_000, i -> before.frame(RawWsClient.PONG, true, EMPTY))).isEqualTo(CloseCodes.POLICY_VIOLATION);
        RawWsClient after = loggedInRaw(3);
        assertThat(until(after, 100_000, i -> after.frame(RawWsClient.PONG, true, EMPTY))).isEqualTo(CloseCodes.POLICY_VIOLATION);
        assertThat(rejects("control_flood")).isEqualTo(2);
        assertPairStillRelays(h1, h2);
    }

    @Test
    void aPingFloodIsCutOffAfterTheControlFrameBurst() throws Exception {
        RawWsClient r = loggedInRaw(4);
        assertThat(until(r, 100_000, i -> r.frame(RawWsClient.PING, true, new byte[125]))).isEqualTo(CloseCodes.POLICY_VIOLATION);
        assertThat(rejects("control_flood")).isEqualTo(1);
        assertPairStillRelays(h1, h2);
    }

    @Test
    void aCharacterSplitAcrossFragmentsIsAcceptedAndABrokenOneIsRefusedWith1007() throws Exception {
        RawWsClient r = loggedInRaw(2);
        byte[] whole = "{\"type\":\"ping\",\"id\":\"caf\u00e9\"}".getBytes(StandardCharsets.UTF_8);
        int cut = new String(whole, StandardCharsets.ISO_8859_1).indexOf('\u00c3') + 1; // inside the 2-byte é
        r.frame(RawWsClient.TEXT, false, java.util.Arrays.copyOfRange(whole, 0, cut));
        r.frame(RawWsClient.CONTINUATION, true, java.util.Arrays.copyOfRange(whole, cut, whole.length));
        // Ids are printable ASCII (docs/protocol.md), so the reply is a schema error; that it quotes the
        // id intact shows the character was reassembled across the two fragments, not refused with 1007.
        String reply = r.nextText();
        assertThat(reply).contains("\"bad_request\"").contains("caf\u00e9");
        r.frame(RawWsClient.TEXT, false, java.util.Arrays.copyOfRange(whole, 0, cut));
        r.frame(RawWsClient.CONTINUATION, true, new byte[] {'(', '"', '}'}); // 0xc3 0x28: not UTF-8
        assertThat(r.awaitClose()).isEqualTo(CloseCodes.INVALID_DATA);
        assertThat(rejects("invalid_utf8")).isEqualTo(1);
        assertPairStillRelays(h1, h2);
    }

    @Test
    void beforeLoginAMessageOverFourKilobytesIsTooLarge() throws Exception {
        RawWsClient r = raw(2);
        r.nextText();
        r.text("{\"type\":\"ping\",\"id\":\"" + "x".repeat(5000) + "\"}");
        assertThat(r.awaitClose()).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
        assertThat(rejects("too_large")).isEqualTo(1);
        assertPairStillRelays(h1, h2);
    }

    @Test
    void aPairKeepsRelayingPromptlyWhileAttackersFromSeveralAddressesSendCostlyFrames() throws Exception {
        List<CompletableFuture<Integer>> attacks = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            int kind = i % 4;
            RawWsClient r = kind < 2 ? raw(2 + i % 3) : loggedInRaw(2 + i % 3);
            if (kind < 2) r.nextText();
            attacks.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return until(r, 1_000_000, j -> {
                        switch (kind) {
                            case 0 -> r.frame(j == 0 ? RawWsClient.TEXT : RawWsClient.CONTINUATION, false, EMPTY);
                            case 1, 2 -> r.frame(RawWsClient.PONG, true, new byte[125]);
                            default -> r.frame(j == 0 ? RawWsClient.TEXT : RawWsClient.CONTINUATION, false, EMPTY);
                        }
                    });
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }));
        }
        long worst = 0;
        for (int i = 0; i < 20; i++) {
            long t0 = System.nanoTime();
            assertPairStillRelays(h1, h2);
            worst = Math.max(worst, System.nanoTime() - t0);
        }
        List<Integer> codes = new ArrayList<>();
        for (CompletableFuture<Integer> a : attacks) codes.add(a.get(30, TimeUnit.SECONDS));
        assertThat(codes).containsExactly(1008, 1008, 1008, 1009, 1008, 1008, 1008, 1009, 1008, 1008, 1008, 1009);
        assertThat(rejects("frame_flood")).isEqualTo(3);
        assertThat(rejects("control_flood")).isEqualTo(6);
        assertThat(rejects("too_many_fragments")).isEqualTo(3);
        // Two round trips through the server; generous for a shared 2-core box, far below "seconds".
        assertThat(worst / 1_000_000).as("worst pair round trip, ms").isLessThan(1500);
    }
}
