package dev.parley.client;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A voice call through the public API between two full clients over the real server, audio content checked. */
class CallTest {
    @TempDir
    Path dir;
    TestNetwork net;

    @AfterEach
    void tearDown() {
        if (net != null) net.close();
    }

    /** Call events in a queue. */
    static final class Calls implements ParleyListener {
        final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();

        @Override
        public void onCallRinging(CallId id, dev.parley.protocol.PeerId peer) {
            events.add(new Object[] {"ringing", id, peer});
        }

        @Override
        public void onCallAnswered(CallId id, dev.parley.protocol.PeerId peer) {
            events.add(new Object[] {"answered", id, peer});
        }

        @Override
        public void onCallEnded(CallRecord record) {
            events.add(record);
        }

        Object[] next(String kind) throws InterruptedException {
            return (Object[]) next(o -> o instanceof Object[] a && a[0].equals(kind));
        }

        CallRecord ended() throws InterruptedException {
            return (CallRecord) next(o -> o instanceof CallRecord);
        }

        Object next(java.util.function.Predicate<Object> p) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                Object e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (e == null) throw new AssertionError("expected call event did not come within 30 s");
                if (p.test(e)) return e;
            }
        }
    }

    @Test
    void calleeHearsTheCallersToneAndBothRecordTheCall() throws Exception {
        net = new TestNetwork(dir);
        Calls ca = new Calls(), cb = new Calls();
        ParleyClient a = net.client("alice", ca), b = net.client("bob", cb);
        TestNetwork.befriend(a, "alice", b, "bob");
        Path recording = dir.resolve("bob-heard.wav");

        CallId id = a.call(b.peerId(), CallMedia.tone(1000, null)).toCompletableFuture().get(40, TimeUnit.SECONDS);
        Object[] ringing = cb.next("ringing");
        assertThat(ringing[1]).isEqualTo(id);
        assertThat(ringing[2]).isEqualTo(a.peerId());
        b.answerCall(id, CallMedia.devices().record(recording));
        ca.next("answered");
        cb.next("answered");

        // Let three seconds of audio through: the recorder counts 10 ms frames as they are written.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (java.nio.file.Files.size(recording) < 44 + 3 * 48_000 * 2 && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
        }
        a.hangUp(id);

        CallRecord atA = ca.ended(), atB = cb.ended();
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

    @Test
    void declinedCallEndsOnBothSidesAndIsNotMissed() throws Exception {
        net = new TestNetwork(dir);
        Calls ca = new Calls(), cb = new Calls();
        ParleyClient a = net.client("alice", ca), b = net.client("bob", cb);
        TestNetwork.befriend(a, "alice", b, "bob");

        CallId id = a.call(b.peerId(), CallMedia.devices()).toCompletableFuture().get(40, TimeUnit.SECONDS);
        cb.next("ringing");
        b.declineCall(id);

        assertThat(ca.ended().reason()).isEqualTo(CallEndReason.DECLINED);
        assertThat(cb.ended().reason()).isEqualTo(CallEndReason.DECLINED);
    }
}
