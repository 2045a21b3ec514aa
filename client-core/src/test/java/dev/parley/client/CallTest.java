package dev.parley.client;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A voice call through the public API between two full clients over the real server, audio content checked. */
@Tag("native")
class CallTest {
    @TempDir
    Path dir;
    TestNetwork net;

    @AfterEach
    void tearDown() {
        if (net != null) net.close();
    }

    /** Call events in order; stats, mute and connectivity are this test's declared noise. */
    static ClientEvents calls(String name) {
        ClientEvents r = new ClientEvents(name).ignoringConnectivity();
        r.ignoring(ClientEvents.CallStats.class);
        return r;
    }

    @Test
    void calleeHearsTheCallersToneAndBothRecordTheCall() throws Exception {
        net = new TestNetwork(dir);
        ClientEvents ca = calls("alice"), cb = calls("bob");
        ParleyClient a = net.client("alice", ca), b = net.client("bob", cb);
        ca.expectServer(true);
        cb.expectServer(true);
        TestNetwork.befriend(a, "alice", b, "bob");
        Path recording = dir.resolve("bob-heard.wav");

        CallId id = a.call(b.peerId(), CallMedia.tone(1000, null)).toCompletableFuture().get(40, TimeUnit.SECONDS);
        assertThat(ca.next(ClientEvents.CallDialing.class)).isEqualTo(new ClientEvents.CallDialing(id, b.peerId()));
        assertThat(cb.next(ClientEvents.CallRinging.class)).isEqualTo(new ClientEvents.CallRinging(id, a.peerId()));
        b.answerCall(id, CallMedia.devices().record(recording));
        assertThat(ca.next(ClientEvents.CallAnswered.class).id()).isEqualTo(id);
        assertThat(cb.next(ClientEvents.CallAnswered.class).id()).isEqualTo(id);

        // Let three seconds of audio through: the recorder counts 10 ms frames as they are written.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        // (The WAV file's size is the only signal of audio written; there is no event per frame.)
        while (java.nio.file.Files.size(recording) < 44 + 3 * 48_000 * 2) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Bob's recording did not reach 3 s of audio within 20 s: "
                        + java.nio.file.Files.size(recording) + " bytes");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
        }
        a.hangUp(id);

        CallRecord atA = ca.next(ClientEvents.CallEnded.class).record(), atB = cb.next(ClientEvents.CallEnded.class).record();
        ChatTest.nothingElse(a, ca, b, cb); // one end each, nothing after
        assertThat(atA.reason()).isEqualTo(CallEndReason.COMPLETED);
        assertThat(atB.reason()).isEqualTo(CallEndReason.COMPLETED);
        assertThat(atB.duration()).isGreaterThan(Duration.ofSeconds(2));
        assertThat(a.callHistory(b.peerId(), 10)).singleElement().satisfies(r -> assertThat(r.callId()).isEqualTo(id));
        assertThat(b.callHistory(a.peerId(), 10)).singleElement().satisfies(r -> assertThat(r.missed()).isFalse());

        ToneAnalysis heard = ToneAnalysis.read(recording);
        int first = heard.firstToneWindow(1000);
        assertThat(first).as("the tone reached Bob").isGreaterThanOrEqualTo(0);
        // From the first to the last tone window: after the hang-up the recorder may write silence for a while under load.
        int windows = heard.lastToneWindow(1000) - first + 1;
        assertThat(windows * 20).as("ms of call audio between first and last tone").isGreaterThanOrEqualTo(2000);
        ToneAnalysis.Coverage c = heard.coverage(1000, first, windows);
        // This test proves audio flows through the public API end to end. The stricter bar (≥ 95 %
        // of a 10 s call, no gap over 100 ms) is HeadlessAudioTest's and LongCallTest's: in a 3 s call a
        // loaded CI box's glitch at the start of the audio weighs ten times more.
        assertThat(c.fraction()).as("tone coverage %s", c).isGreaterThanOrEqualTo(0.8);
    }

    /**
     * A second call on the same session carries audio both ways too. It once did not: hanging up made the
     * audio section inactive, and the native stack re-created its streams unbound on the next call.
     */
    @Test
    void aSecondCallOnTheSameSessionCarriesAudioBothWays() throws Exception {
        net = new TestNetwork(dir);
        ClientEvents ca = calls("alice"), cb = calls("bob");
        ParleyClient a = net.client("alice", ca), b = net.client("bob", cb);
        ca.expectServer(true);
        cb.expectServer(true);
        TestNetwork.befriend(a, "alice", b, "bob");
        for (int round = 1; round <= 2; round++) {
            int aliceHz = round == 1 ? 1000 : 600, bobHz = round == 1 ? 750 : 1300;
            Path bobHeard = dir.resolve("bob-heard-" + round + ".wav"), aliceHeard = dir.resolve("alice-heard-" + round + ".wav");
            CallId id = a.call(b.peerId(), CallMedia.tone(aliceHz, null).record(aliceHeard))
                    .toCompletableFuture().get(40, TimeUnit.SECONDS);
            assertThat(ca.next(ClientEvents.CallDialing.class)).isEqualTo(new ClientEvents.CallDialing(id, b.peerId()));
            assertThat(cb.next(ClientEvents.CallRinging.class)).isEqualTo(new ClientEvents.CallRinging(id, a.peerId()));
            b.answerCall(id, CallMedia.tone(bobHz, null).record(bobHeard));
            assertThat(ca.next(ClientEvents.CallAnswered.class).id()).isEqualTo(id);
            assertThat(cb.next(ClientEvents.CallAnswered.class).id()).isEqualTo(id);
            awaitAudio(bobHeard, "round " + round + ", Bob");
            awaitAudio(aliceHeard, "round " + round + ", Alice");
            (round == 1 ? a : b).hangUp(id); // either side may end a call
            assertThat(ca.next(ClientEvents.CallEnded.class).record().reason()).isEqualTo(CallEndReason.COMPLETED);
            assertThat(cb.next(ClientEvents.CallEnded.class).record().reason()).isEqualTo(CallEndReason.COMPLETED);
            assertHeard(bobHeard, aliceHz, bobHz, "round " + round + ", Bob");
            assertHeard(aliceHeard, bobHz, aliceHz, "round " + round + ", Alice");
        }
        ChatTest.nothingElse(a, ca, b, cb);
        assertThat(a.callHistory(b.peerId(), 10)).hasSize(2);
        assertThat(b.callHistory(a.peerId(), 10)).hasSize(2);
    }

    /** The recording holds the other side's tone for most of the call, and not our own. */
    static void assertHeard(Path recording, int expectedHz, int ownHz, String who) throws Exception {
        ToneAnalysis heard = ToneAnalysis.read(recording);
        int first = heard.firstToneWindow(expectedHz);
        assertThat(first).as("%s: the %d Hz tone arrived", who, expectedHz).isGreaterThanOrEqualTo(0);
        int windows = heard.lastToneWindow(expectedHz) - first + 1;
        assertThat(heard.coverage(expectedHz, first, windows).fraction()).as("%s: coverage of %d Hz", who, expectedHz)
                .isGreaterThanOrEqualTo(0.8);
        assertThat(heard.firstToneWindow(ownHz)).as("%s: own %d Hz tone not heard back", who, ownHz).isEqualTo(-1);
    }

    /** Waits (bounded) until the recorder has written 3 s of audio; the WAV's size is the only signal. */
    static void awaitAudio(Path recording, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!java.nio.file.Files.exists(recording) || java.nio.file.Files.size(recording) < 44 + 3 * 48_000 * 2) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": the recording did not reach 3 s of audio within 20 s: "
                        + (java.nio.file.Files.exists(recording) ? java.nio.file.Files.size(recording) : -1) + " bytes");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
        }
    }

    @Test
    void declinedCallEndsOnBothSidesAndIsNotMissed() throws Exception {
        net = new TestNetwork(dir);
        ClientEvents ca = calls("alice"), cb = calls("bob");
        ParleyClient a = net.client("alice", ca), b = net.client("bob", cb);
        ca.expectServer(true);
        cb.expectServer(true);
        TestNetwork.befriend(a, "alice", b, "bob");

        CallId id = a.call(b.peerId(), CallMedia.devices()).toCompletableFuture().get(40, TimeUnit.SECONDS);
        ca.next(ClientEvents.CallDialing.class);
        cb.next(ClientEvents.CallRinging.class);
        b.declineCall(id);

        assertThat(ca.next(ClientEvents.CallEnded.class).record().reason()).isEqualTo(CallEndReason.DECLINED);
        assertThat(cb.next(ClientEvents.CallEnded.class).record().reason()).isEqualTo(CallEndReason.DECLINED);
        ChatTest.nothingElse(a, ca, b, cb);
    }
}
