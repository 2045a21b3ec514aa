package dev.parley.client.internal.rtc;

import dev.parley.client.internal.audio.AudioSetup;
import dev.parley.client.internal.time.Scheduler;

import java.time.Duration;

/**
 * Two real in-process peers, each with its own {@link RtcRuntime} (as two apps would have), paired by
 * {@link SignalingPipe}s (Pion's newPair/signalPair).
 */
final class PeerPair implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(15);

    final RtcRuntime runtimeA;
    final RtcRuntime runtimeB;
    final Recorder recA = new Recorder("A");
    final Recorder recB = new Recorder("B");
    final SignalingPipe aToB = new SignalingPipe("a2b");
    final SignalingPipe bToA = new SignalingPipe("b2a");
    final PeerSession a;
    final PeerSession b;

    /** "alice" sorts before "bob", so A is polite and B impolite. */
    PeerPair(DescriptionVerifier verifierA, DescriptionVerifier verifierB, RtcConfig config) {
        this(verifierA, verifierB, config, Scheduler.system());
    }

    /** Both runtimes' session timers on {@code scheduler} (a {@code ManualScheduler} in timer tests). */
    PeerPair(DescriptionVerifier verifierA, DescriptionVerifier verifierB, RtcConfig config, Scheduler scheduler) {
        runtimeA = RtcRuntime.create(config, AudioSetup.headless(), scheduler);
        RtcRuntime rb = null;
        try {
            rb = RtcRuntime.create(config, AudioSetup.headless(), scheduler);
            a = runtimeA.newSession("alice", "bob", aToB, verifierA, recA);
            b = rb.newSession("bob", "alice", bToA, verifierB, recB);
        } catch (RuntimeException e) {
            runtimeA.close();
            if (rb != null) {
                rb.close();
            }
            throw e;
        }
        runtimeB = rb;
        aToB.connectTo(b);
        bToA.connectTo(a);
    }

    PeerPair() {
        this(DescriptionVerifier.ACCEPT_ALL, DescriptionVerifier.ACCEPT_ALL, RtcConfig.defaults());
    }

    /** Both sides connected with their chat channels open, and nothing else on the way. */
    void awaitChatOpen() {
        recA.connected(WAIT);
        recB.connected(WAIT);
    }

    @Override
    public void close() throws Exception {
        try {
            aToB.shutdown();
            bToA.shutdown();
        } finally {
            try {
                runtimeA.close();
            } finally {
                runtimeB.close();
            }
        }
        recA.assertContract();
        recB.assertContract();
    }
}
