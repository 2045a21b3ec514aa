package dev.parley.client.internal.rtc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Measures dial() to chat-channel-open on the dialing side, over host candidates on this machine,
 * and openChannel() to the peer's onChannelOpen (an in-band DCEP channel on a live association).
 * Two runtimes (as two apps), a fresh pair of sessions per dial. Not a test: run it as a main
 * (see docs/concurrency-rtc-notes.md).
 */
public final class DialLatencyBench {

    public static void main(String[] args) throws Exception {
        int dials = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Duration wait = Duration.ofSeconds(15);
        List<Double> dialMs = new ArrayList<>();
        List<Double> inBandMs = new ArrayList<>();
        try (RtcRuntime ra = RtcRuntime.create(RtcConfig.defaults());
             RtcRuntime rb = RtcRuntime.create(RtcConfig.defaults())) {
            for (int i = -1; i < dials; i++) { // i == -1: warm-up, not counted
                Recorder recA = new Recorder("A");
                Recorder recB = new Recorder("B");
                SignalingPipe aToB = new SignalingPipe("a2b");
                SignalingPipe bToA = new SignalingPipe("b2a");
                PeerSession a = ra.newSession("alice", "bob", aToB, DescriptionVerifier.ACCEPT_ALL, recA);
                PeerSession b = rb.newSession("bob", "alice", bToA, DescriptionVerifier.ACCEPT_ALL, recB);
                aToB.connectTo(b);
                bToA.connectTo(a);
                long t0 = System.nanoTime();
                a.dial();
                recA.awaitOpen(PeerSession.CHAT, wait);
                long t1 = System.nanoTime();
                recB.awaitOpen(PeerSession.CHAT, wait);
                long t2 = System.nanoTime();
                a.openChannel("file-" + i, true);
                recB.awaitOpen("file-" + i, wait);
                long t3 = System.nanoTime();
                if (i >= 0) {
                    dialMs.add((t1 - t0) / 1e6);
                    inBandMs.add((t3 - t2) / 1e6);
                }
                a.close();
                recA.await(Recorder.Closed.class, wait);
                recB.await(Recorder.Closed.class, wait);
                aToB.shutdown();
                bToA.shutdown();
            }
        }
        System.out.printf("dial -> chat open (dialer side), n=%d: %s%n", dialMs.size(), summary(dialMs));
        System.out.printf("openChannel -> remote open (in-band DCEP), n=%d: %s%n", inBandMs.size(), summary(inBandMs));
        System.out.println("raw dial ms: " + dialMs);
    }

    private static String summary(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        double median = s.size() % 2 == 1 ? s.get(s.size() / 2)
                : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
        return String.format("median %.1f ms, min %.1f, p90 %.1f, max %.1f", median, s.get(0),
                s.get((int) Math.ceil(0.9 * s.size()) - 1), s.get(s.size() - 1));
    }

    private DialLatencyBench() {
    }
}
