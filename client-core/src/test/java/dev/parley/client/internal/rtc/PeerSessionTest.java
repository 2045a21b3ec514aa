package dev.parley.client.internal.rtc;

import dev.parley.client.internal.time.ManualScheduler;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static dev.parley.client.internal.rtc.PeerPair.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/** Two real webrtc-java peers in one JVM, each with its own factory. */
@Tag("native")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PeerSessionTest {

    private PeerPair pair;

    @AfterEach
    void tearDown() throws Exception {
        if (pair != null) {
            pair.close(); // also checks no listener call after onClosed
        }
    }

    private static List<String> texts(List<Recorder.Message> ms) {
        return ms.stream().map(Recorder.Message::text).toList();
    }

    private static List<String> numbered(String prefix, int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    private static void sendAll(PeerSession s, List<String> texts) {
        for (String t : texts) {
            assertThat(s.sendText(PeerSession.CHAT, t)).as("send " + t).isTrue();
        }
    }

    @Test
    void dialOpensChatAndMessagesFlowBothWaysExactly() throws Exception {
        pair = new PeerPair();
        pair.a.dial();
        pair.awaitChatOpen();

        sendAll(pair.a, List.of("hello bob", "ünïcødé ✓", ""));
        byte[] blob = new byte[PeerSession.MAX_MESSAGE_SIZE];
        new Random(42).nextBytes(blob);
        assertThat(pair.b.send(PeerSession.CHAT, blob)).isTrue();
        assertThat(pair.b.sendText(PeerSession.CHAT, "hi alice")).isTrue();

        List<Recorder.Message> atB = pair.recB.awaitMessages(PeerSession.CHAT, 3, WAIT);
        assertThat(texts(atB)).containsExactly("hello bob", "ünïcødé ✓", "");
        assertThat(atB).allMatch(m -> !m.binary());
        List<Recorder.Message> atA = pair.recA.awaitMessages(PeerSession.CHAT, 2, WAIT);
        assertThat(atA.get(0).binary()).isTrue();
        assertThat(atA.get(0).data()).isEqualTo(blob);
        assertThat(atA.get(1).text()).isEqualTo("hi alice");

        assertThat(pair.a.send(PeerSession.CHAT, new byte[PeerSession.MAX_MESSAGE_SIZE + 1]))
                .as("oversized message is refused, not sent (it would close the channel)").isFalse();
        assertThat(pair.a.send("no-such-channel", new byte[1])).isFalse();
        assertThat(pair.a.getBufferedAmount(PeerSession.CHAT)).isGreaterThanOrEqualTo(0);
        assertThat(pair.a.sendText(PeerSession.CHAT, "still open")).isTrue();
        assertThat(pair.recB.awaitMessages(PeerSession.CHAT, 1, WAIT).get(0).text()).isEqualTo("still open");
    }

    @Test
    void glareBothDialAtOnceEndsWithOneConnectionAndWorkingChat() throws Exception {
        pair = new PeerPair();
        // Hold both directions until each side has sent its own offer: a guaranteed collision.
        pair.aToB.hold();
        pair.bToA.hold();
        CountDownLatch go = new CountDownLatch(1);
        Thread da = new Thread(() -> { awaitQuietly(go); pair.a.dial(); });
        Thread db = new Thread(() -> { awaitQuietly(go); pair.b.dial(); });
        da.start();
        db.start();
        go.countDown();
        assertThat(pair.aToB.firstOffer.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(pair.bToA.firstOffer.await(10, TimeUnit.SECONDS)).isTrue();
        pair.aToB.release(false);
        pair.bToA.release(false);

        pair.awaitChatOpen();
        sendAll(pair.a, List.of("from polite"));
        sendAll(pair.b, List.of("from impolite"));
        assertThat(pair.recB.awaitMessages(PeerSession.CHAT, 1, WAIT).get(0).text()).isEqualTo("from polite");
        assertThat(pair.recA.awaitMessages(PeerSession.CHAT, 1, WAIT).get(0).text()).isEqualTo("from impolite");

        // Perfect negotiation: the impolite offer won, the polite side rolled back and answered.
        assertThat(pair.a.isPolite()).isTrue();
        assertThat(pair.b.isPolite()).isFalse();
        assertThat(pair.aToB.answersSent.get()).isEqualTo(1);
        assertThat(pair.bToA.answersSent.get()).isZero();
        assertThat(pair.aToB.offersSent.get()).as("no spurious re-offer after the rollback").isEqualTo(1);
        for (Recorder r : List.of(pair.recA, pair.recB)) {
            assertThat(r.count(e -> e.equals(new Recorder.State(SessionState.CONNECTED)))).isEqualTo(1);
            assertThat(r.count(e -> e.equals(new Recorder.ChannelOpen(PeerSession.CHAT)))).isEqualTo(1);
            assertThat(r.count(e -> e instanceof Recorder.Closed)).isZero();
        }
    }

    @Test
    void candidatesDeliveredBeforeTheOfferAreKeptAndUsed() throws Exception {
        pair = new PeerPair();
        // A's candidates reach B before A's offer; B's candidates never reach A. So the only way to
        // connect is for B to use the early candidates it had to buffer: if it lost them, no pair
        // could ever be checked (A learns B's address as peer-reflexive from B's checks).
        pair.aToB.hold();
        pair.bToA.dropCandidates(true);
        pair.a.dial();
        assertThat(pair.aToB.endOfCandidates.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(pair.aToB.candidatesSent.get()).isPositive();
        pair.aToB.release(true);

        pair.awaitChatOpen();
        sendAll(pair.b, List.of("early birds"));
        assertThat(pair.recA.awaitMessages(PeerSession.CHAT, 1, WAIT).get(0).text()).isEqualTo("early birds");
    }

    @Test
    void iceRestartWhileConnectedKeepsChatAndLosesNothing() throws Exception {
        pair = new PeerPair();
        pair.a.dial();
        pair.awaitChatOpen();
        String ufragA = PeerSession.iceUfrag(pair.a.localDescriptionSdp());
        String ufragB = PeerSession.iceUfrag(pair.b.localDescriptionSdp());

        sendAll(pair.a, numbered("a", 0, 20));
        sendAll(pair.b, numbered("b", 0, 20));
        CompletableFuture<Void> restarted = pair.b.restartIce().toCompletableFuture();
        sendAll(pair.a, numbered("a", 20, 40)); // during the restart
        sendAll(pair.b, numbered("b", 20, 40));
        restarted.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        sendAll(pair.a, numbered("a", 40, 60));
        sendAll(pair.b, numbered("b", 40, 60));

        assertThat(texts(pair.recB.awaitMessages(PeerSession.CHAT, 60, WAIT))).isEqualTo(numbered("a", 0, 60));
        assertThat(texts(pair.recA.awaitMessages(PeerSession.CHAT, 60, WAIT))).isEqualTo(numbered("b", 0, 60));
        assertThat(PeerSession.iceUfrag(pair.a.localDescriptionSdp())).isNotEqualTo(ufragA);
        assertThat(PeerSession.iceUfrag(pair.b.localDescriptionSdp())).isNotEqualTo(ufragB);
        assertThat(pair.recA.count(e -> e instanceof Recorder.Closed || e instanceof Recorder.ChannelClosed)).isZero();
        assertThat(pair.recB.count(e -> e instanceof Recorder.Closed || e instanceof Recorder.ChannelClosed)).isZero();
    }

    @Test
    void simultaneousIceRestartsOnBothSidesResolveByPerfectNegotiation() throws Exception {
        pair = new PeerPair();
        pair.a.dial();
        pair.awaitChatOpen();
        pair.aToB.hold();
        pair.bToA.hold();
        CompletableFuture<Void> ra = pair.a.restartIce().toCompletableFuture();
        CompletableFuture<Void> rb = pair.b.restartIce().toCompletableFuture();
        // A's first offer was the initial one: wait for both restart offers to be in flight.
        assertThat(pair.aToB.awaitOffers(2, 10_000)).isTrue();
        assertThat(pair.bToA.awaitOffers(1, 10_000)).isTrue();
        pair.aToB.release(false);
        pair.bToA.release(false);
        CompletableFuture.allOf(ra, rb).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        sendAll(pair.a, List.of("after double restart"));
        assertThat(pair.recB.awaitMessages(PeerSession.CHAT, 1, WAIT).get(0).text()).isEqualTo("after double restart");
    }

    @Test
    void rejectedOfferIsNeverAppliedRaisesSecurityErrorAndDoesNotConnect() throws Exception {
        AtomicReference<RemoteDescription> seen = new AtomicReference<>();
        DescriptionVerifier rejectAll = d -> {
            seen.set(d);
            throw new DescriptionRejectedException("fingerprint not signed by alice");
        };
        pair = new PeerPair(DescriptionVerifier.ACCEPT_ALL, rejectAll,
                RtcConfig.builder().connectTimeout(Duration.ofSeconds(3)).build());
        pair.a.dial();

        Recorder.Security sec = pair.recB.await(Recorder.Security.class, WAIT);
        assertThat(sec.reason()).contains("fingerprint not signed by alice");
        Recorder.Closed closed = pair.recB.closed(WAIT);
        assertThat(closed.reason().kind()).isEqualTo(CloseReason.Kind.SECURITY);
        assertThat(pair.bToA.answersSent.get()).as("B never answered, so it never applied the offer").isZero();
        assertThat(pair.recB.count(e -> e instanceof Recorder.State s && s.state() != SessionState.CLOSED)).isZero();
        assertThat(pair.recB.count(e -> e instanceof Recorder.ChannelOpen)).isZero();

        // The verifier saw exactly what A sent, with A's fingerprint in it.
        assertThat(seen.get().type()).isEqualTo(DescriptionType.OFFER);
        assertThat(SdpFingerprints.single(seen.get().sdp())).isEqualTo(pair.a.localFingerprint());
        assertThat(seen.get().localFingerprint()).isEmpty();

        // The dialer gives up within its bounded connect timeout.
        assertThat(pair.recA.closed(WAIT).reason().kind())
                .isEqualTo(CloseReason.Kind.CONNECT_TIMEOUT);
        assertThat(pair.recA.count(e -> e.equals(new Recorder.State(SessionState.CONNECTED)))).isZero();
    }

    @Test
    void rejectedRenegotiationWhileConnectedIsIgnoredAndChatContinues() throws Exception {
        AtomicBoolean reject = new AtomicBoolean(false);
        List<RemoteDescription> answersSeenByA = new ArrayList<>();
        DescriptionVerifier verifierA = d -> {
            if (d.type() == DescriptionType.ANSWER) {
                answersSeenByA.add(d);
            }
        };
        DescriptionVerifier verifierB = d -> {
            if (reject.get()) {
                throw new DescriptionRejectedException("fingerprint changed mid-session");
            }
        };
        pair = new PeerPair(verifierA, verifierB, RtcConfig.defaults());
        pair.a.dial();
        pair.awaitChatOpen();
        // In an answer the verifier gets our own fingerprint too, to check the binding names both.
        assertThat(answersSeenByA).hasSize(1);
        assertThat(answersSeenByA.get(0).localFingerprint()).isEqualTo(pair.a.localFingerprint()).isPresent();
        assertThat(SdpFingerprints.single(answersSeenByA.get(0).sdp())).isEqualTo(pair.b.localFingerprint());

        String remoteAtB = pair.b.remoteDescriptionSdp();
        reject.set(true);
        pair.a.restartIce(); // A's restart offer will be refused by B
        Recorder.Security sec = pair.recB.await(Recorder.Security.class, WAIT);
        assertThat(sec.reason()).contains("fingerprint changed mid-session");
        // Trickled candidates do get added to the current description, so compare without them: the
        // rejected offer carried new ICE credentials, which must not be in place.
        assertThat(withoutCandidates(pair.b.remoteDescriptionSdp())).as("rejected offer not applied")
                .isEqualTo(withoutCandidates(remoteAtB));

        sendAll(pair.a, List.of("still here"));
        assertThat(pair.recB.awaitMessages(PeerSession.CHAT, 1, WAIT).get(0).text()).isEqualTo("still here");
        assertThat(pair.recB.count(e -> e instanceof Recorder.Closed)).isZero();
    }

    @Test
    void closingOneSideDeliversTheTerminalCallbackToTheOther() throws Exception {
        pair = new PeerPair();
        pair.a.dial();
        pair.awaitChatOpen();
        long start = System.nanoTime();
        pair.a.close();
        assertThat(pair.recA.closed(WAIT).reason().kind()).isEqualTo(CloseReason.Kind.LOCAL);
        assertThat(pair.recB.closed(Duration.ofSeconds(5)).reason().kind())
                .isEqualTo(CloseReason.Kind.REMOTE_CLOSED);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(ms).isLessThan(5000);
        assertThat(pair.a.sendText(PeerSession.CHAT, "too late")).isFalse();
        assertThat(pair.b.sendText(PeerSession.CHAT, "too late")).isFalse();
        assertThat(pair.a.getBufferedAmount(PeerSession.CHAT)).isEqualTo(-1);
        pair.a.close(); // idempotent
        assertThat(pair.a.restartIce().toCompletableFuture()).failsWithin(WAIT);
        assertThat(pair.runtimeA.openSessionCount()).isZero();
        assertThat(pair.runtimeB.openSessionCount()).isZero();
    }

    @Test
    void furtherChannelsOpenInBandAndCarryLargeBinaryExactly() throws Exception {
        pair = new PeerPair();
        pair.a.dial();
        pair.awaitChatOpen();
        pair.b.openChannel("file-1", true);
        pair.recB.awaitOpen("file-1", WAIT);
        pair.recA.awaitOpen("file-1", WAIT);

        byte[] chunk = new byte[64 * 1024];
        List<byte[]> sent = new ArrayList<>();
        Random rnd = new Random(7);
        for (int i = 0; i < 32; i++) { // 2 MiB
            rnd.nextBytes(chunk);
            sent.add(chunk.clone());
            assertThat(pair.b.send("file-1", chunk)).isTrue();
        }
        List<Recorder.Message> got = pair.recA.awaitMessages("file-1", 32, WAIT);
        for (int i = 0; i < 32; i++) {
            assertThat(got.get(i).data()).isEqualTo(sent.get(i));
        }
        pair.a.closeChannel("file-1");
        pair.recA.await(Recorder.ChannelClosed.class, c -> c.label().equals("file-1"), WAIT);
        pair.recB.await(Recorder.ChannelClosed.class, c -> c.label().equals("file-1"), WAIT);
        assertThat(pair.b.send("file-1", chunk)).isFalse();
        sendAll(pair.b, List.of("chat unaffected"));
        assertThat(pair.recA.awaitMessages(PeerSession.CHAT, 1, WAIT).get(0).text()).isEqualTo("chat unaffected");
        pair.recA.assertExhausted();
        pair.recB.assertExhausted();
    }

    @Test
    void aThrowingListenerDoesNotBreakTheSession() throws Exception {
        pair = new PeerPair();
        pair.a.dial();
        pair.awaitChatOpen();
        pair.recB.throwAfterRecording = true;
        sendAll(pair.a, List.of("one", "two", "three"));
        assertThat(texts(pair.recB.awaitMessages(PeerSession.CHAT, 3, WAIT))).containsExactly("one", "two", "three");
        pair.b.openChannel("file-x", false);
        pair.recB.awaitOpen("file-x", WAIT);
        pair.recA.awaitOpen("file-x", WAIT);
        pair.a.close();
        assertThat(pair.recB.closed(WAIT).reason().kind()).isEqualTo(CloseReason.Kind.REMOTE_CLOSED);
    }

    @Test
    void chatKeepsWorkingWhenSignalingGoesDown() throws Exception {
        pair = new PeerPair();
        pair.a.dial();
        pair.awaitChatOpen();
        pair.aToB.setDown(true);
        pair.bToA.setDown(true);
        sendAll(pair.a, List.of("no server needed"));
        assertThat(pair.recB.awaitMessages(PeerSession.CHAT, 1, WAIT).get(0).text()).isEqualTo("no server needed");
        // A restart cannot complete without signaling, but must not break the live connection.
        pair.a.restartIce();
        sendAll(pair.b, List.of("still connected"));
        assertThat(pair.recA.awaitMessages(PeerSession.CHAT, 1, WAIT).get(0).text()).isEqualTo("still connected");
    }

    @Test
    void dialingIntoSilenceGivesUpExactlyAtTheConnectTimeout() throws Exception {
        ManualScheduler time = new ManualScheduler();
        pair = new PeerPair(DescriptionVerifier.ACCEPT_ALL, DescriptionVerifier.ACCEPT_ALL,
                RtcConfig.builder().connectTimeout(Duration.ofSeconds(30)).build(), time);
        pair.aToB.setDown(true);
        pair.a.dial();
        pair.a.localDescriptionSdp(); // runs on A's session thread after dial: the timer is armed
        assertThat(time.pendingCount()).as("A's connect timer; B has none").isEqualTo(1);

        time.advance(Duration.ofSeconds(30).minusMillis(1));
        pair.a.localDescriptionSdp(); // anything the timer handed over has run by now
        assertThat(pair.recA.count(e -> e instanceof Recorder.Closed)).as("not before the timeout").isZero();

        time.advance(Duration.ofMillis(1));
        assertThat(pair.recA.closed(WAIT).reason().kind())
                .isEqualTo(CloseReason.Kind.CONNECT_TIMEOUT);
        assertThat(time.pendingCount()).isZero();
        assertThat(pair.recB.count(e -> true)).as("B never heard of A").isZero();
    }

    @Test
    void connectingCancelsTheConnectTimer() throws Exception {
        ManualScheduler time = new ManualScheduler();
        pair = new PeerPair(DescriptionVerifier.ACCEPT_ALL, DescriptionVerifier.ACCEPT_ALL,
                RtcConfig.builder().connectTimeout(Duration.ofSeconds(30)).build(), time);
        pair.a.dial();
        pair.awaitChatOpen(); // CONNECTED on both sides, which is reported after the timers are cancelled
        assertThat(time.pendingCount()).isZero();

        time.advance(Duration.ofMinutes(5));
        sendAll(pair.a, List.of("still connected"));
        assertThat(pair.recB.awaitMessages(PeerSession.CHAT, 1, WAIT).get(0).text()).isEqualTo("still connected");
        assertThat(pair.recA.count(e -> e instanceof Recorder.Closed)).isZero();
        assertThat(pair.recB.count(e -> e instanceof Recorder.Closed)).isZero();
    }

    @Test
    void runtimeCloseEndsOpenSessionsAndIsIdempotent() throws Exception {
        pair = new PeerPair();
        pair.a.dial();
        pair.awaitChatOpen();
        pair.runtimeA.close();
        assertThat(pair.recA.closed(WAIT).reason().kind())
                .isEqualTo(CloseReason.Kind.RUNTIME_CLOSED);
        assertThat(pair.recB.closed(WAIT).reason().kind())
                .isEqualTo(CloseReason.Kind.REMOTE_CLOSED);
        pair.runtimeA.close();
        assertThat(pair.a.sendText(PeerSession.CHAT, "x")).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> pair.runtimeA.newSession("alice", "carol",
                pair.aToB, DescriptionVerifier.ACCEPT_ALL, new PeerSessionListener() { }))
                .isInstanceOf(IllegalStateException.class);
    }

    private static String withoutCandidates(String sdp) {
        return sdp.lines().filter(l -> !l.startsWith("a=candidate:")).collect(java.util.stream.Collectors.joining("\n"));
    }

    private static void awaitQuietly(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
