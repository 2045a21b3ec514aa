package dev.parley.bench.groupcalls;

import dev.parley.bench.calls.CallBench;
import dev.parley.client.ToneAnalysis;
import dev.parley.client.internal.audio.AudioPump;
import dev.parley.client.internal.audio.AudioStatsSample;
import dev.parley.client.internal.audio.RemoteAudioSink;
import dev.parley.client.internal.audio.ToneSource;
import dev.parley.client.internal.rtc.DescriptionType;
import dev.parley.client.internal.rtc.DescriptionVerifier;
import dev.parley.client.internal.rtc.PeerSession;
import dev.parley.client.internal.rtc.PeerSessionListener;
import dev.parley.client.internal.rtc.RtcConfig;
import dev.parley.client.internal.rtc.RtcRuntime;
import dev.parley.client.internal.rtc.SignalingChannel;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Group-call mesh benchmark on this machine: N participants, each with its own {@link RtcRuntime}
 * (its own headless audio device, as a separate client has), one session per pair over the host
 * address, and — as {@code MeshAudio} does — one {@link AudioPump} per participant whose every 10 ms
 * frame goes to each of its N-1 sessions. Participant i plays its own tone (500 + 250·i Hz).
 * <ul>
 *   <li>audible fraction per directed pair: share of the receiver's 10 ms frames of that pair's decoded
 *       stream that carry the sender's tone (Goertzel purity &gt; 0.8, RMS &gt; 0.05), from the first one on;</li>
 *   <li>CPU per participant: process CPU during the call minus an idle baseline (sessions connected, no
 *       audio), divided by N (the process holds every participant);</li>
 *   <li>upload/download kbit/s per participant: the sum of bytesSent / bytesReceived deltas of its
 *       sessions' RTP stats over the call (payload + RTP headers, no UDP/IP).</li>
 *   <li>mouth-to-ear latency per directed pair, after the tones: each participant in turn plays
 *       CallBench's clicks (a 5 ms burst every 500 ms) to all others, whose pair sinks detect each onset;
 *       latency = onset at the receiver's playout callback − the time the sender's pump pushed the frame.</li>
 * </ul>
 * Usage: {@code GroupCallBench [counts=3,4,6] [callSeconds=20] [idleSeconds=5] [clicksPerSender=10]}. Prints raw numbers.
 */
public final class GroupCallBench {
    static final ToneAnalysis.Threshold TONE = new ToneAnalysis.Threshold(0.05, 0.8);
    private static int clicksPerSender;

    public static void main(String[] args) throws Exception {
        String[] counts = (args.length > 0 ? args[0] : "3,4,6").split(",");
        int callSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int idleSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        clicksPerSender = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        System.out.println("date=" + Instant.now() + " cores=" + Runtime.getRuntime().availableProcessors()
                + " java=" + System.getProperty("java.version"));
        for (String c : counts) run(Integer.parseInt(c.trim()), callSeconds, idleSeconds);
        System.exit(0);
    }

    static double hz(int i) {
        return 500 + 250 * i;
    }

    private static void run(int n, int callSeconds, int idleSeconds) throws Exception {
        List<RtcRuntime> runtimes = new ArrayList<>();
        List<Pipe> pipes = new ArrayList<>();
        PeerSession[][] s = new PeerSession[n][n];
        Tone[][] heard = new Tone[n][n]; // heard[i][j]: at i, j's stream
        try {
            for (int i = 0; i < n; i++) runtimes.add(RtcRuntime.create(RtcConfig.defaults()));
            List<CountDownLatch> opens = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    Pipe ij = new Pipe(), ji = new Pipe();
                    pipes.add(ij);
                    pipes.add(ji);
                    Up ui = new Up(), uj = new Up();
                    opens.add(ui.open);
                    opens.add(uj.open);
                    s[i][j] = runtimes.get(i).newSession("p" + i, "p" + j, ij, DescriptionVerifier.ACCEPT_ALL, ui);
                    s[j][i] = runtimes.get(j).newSession("p" + j, "p" + i, ji, DescriptionVerifier.ACCEPT_ALL, uj);
                    ij.target = s[j][i];
                    ji.target = s[i][j];
                    s[i][j].dial();
                }
            }
            for (CountDownLatch l : opens) {
                if (!l.await(60, TimeUnit.SECONDS)) throw new IllegalStateException(n + " participants: a session did not connect");
            }
            long cpu0 = cpuNanos(), wall0 = System.nanoTime();
            Thread.sleep(idleSeconds * 1000L); // measuring idle CPU: the wait is the measurement
            double idleCores = (cpuNanos() - cpu0) / (double) (System.nanoTime() - wall0);

            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (i == j) continue;
                    heard[i][j] = new Tone(hz(j));
                    s[i][j].startAudio(heard[i][j]);
                }
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (i != j) s[i][j].startAudio(heard[i][j]).toCompletableFuture().get(60, TimeUnit.SECONDS);
                }
            }
            List<AudioPump> pumps = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                PeerSession[] mine = s[i];
                int me = i;
                pumps.add(new AudioPump(new ToneSource(hz(i), 0.5, null), (pcm, rate, ch) -> {
                    boolean any = false;
                    for (int j = 0; j < n; j++) if (j != me) any |= mine[j].pushAudio(pcm, rate, ch);
                    return any;
                }, null).start());
            }
            Thread.sleep(2000); // audio settles (first packets, jitter buffers) before the measured span
            for (Tone[] row : heard) for (Tone t : row) if (t != null) t.frames.clear();
            AudioStatsSample[][] before = stats(s, n);
            long cpu1 = cpuNanos(), wall1 = System.nanoTime();
            Thread.sleep(callSeconds * 1000L); // the call lasts this long: the wait is the measurement
            double callCores = (cpuNanos() - cpu1) / (double) (System.nanoTime() - wall1);
            double seconds = (System.nanoTime() - wall1) / 1e9;
            AudioStatsSample[][] after = stats(s, n);
            for (AudioPump p : pumps) p.close();

            System.out.printf("participants=%d call_s=%d cpu_idle_cores=%.4f cpu_call_cores=%.4f cpu_per_participant_pct=%.1f%n",
                    n, callSeconds, idleCores, callCores, (callCores - idleCores) * 100 / n);
            for (int i = 0; i < n; i++) {
                long up = 0, down = 0;
                for (int j = 0; j < n; j++) {
                    if (i == j || before[i][j] == null || after[i][j] == null) continue;
                    up += after[i][j].bytesSent() - before[i][j].bytesSent();
                    down += after[i][j].bytesReceived() - before[i][j].bytesReceived();
                }
                System.out.printf("participants=%d p%d up_kbit_s=%.1f down_kbit_s=%.1f%n", n, i, up * 8 / seconds / 1000,
                        down * 8 / seconds / 1000);
            }
            double worst = 1;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (i == j) continue;
                    boolean[] f = heard[i][j].drain();
                    int first = -1;
                    for (int k = 0; k < f.length && first < 0; k++) if (f[k]) first = k;
                    int hits = 0, span = Math.max(0, f.length - Math.max(first, 0));
                    for (int k = Math.max(first, 0); k < f.length; k++) hits += f[k] ? 1 : 0;
                    double frac = span == 0 ? 0 : (double) hits / span;
                    worst = Math.min(worst, frac);
                    System.out.printf("participants=%d pair p%d->p%d audible_frames=%d of %d fraction=%.5f%n", n, j, i, hits, span, frac);
                }
            }
            System.out.printf("participants=%d audible_fraction_worst_pair=%.5f%n", n, worst);
            latencies(n, s, clicksPerSender);
        } finally {
            for (Pipe p : pipes) p.exec.shutdownNow();
            for (RtcRuntime r : runtimes) r.close();
        }
    }

    /** Each participant in turn clicks to all others; prints each directed pair's latencies. */
    private static void latencies(int n, PeerSession[][] s, int clicks) throws Exception {
        List<Double> all = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            CallBench.Clicks[] at = new CallBench.Clicks[n];
            for (int i = 0; i < n; i++) {
                if (i == k) continue;
                at[i] = new CallBench.Clicks();
                s[i][k].startAudio(at[i]).toCompletableFuture().get(30, TimeUnit.SECONDS); // same transceiver: only the sink changes
            }
            ConcurrentLinkedQueue<Long> pushTimes = new ConcurrentLinkedQueue<>();
            CountDownLatch done = new CountDownLatch(1);
            PeerSession[] mine = s[k];
            int me = k;
            try (AudioPump p = new AudioPump(new CallBench.ClickSource(clicks), (pcm, rate, ch) -> {
                boolean any = false;
                for (int j = 0; j < n; j++) if (j != me) any |= mine[j].pushAudio(pcm, rate, ch);
                return any;
            }, (pcm, f, t) -> {
                if (f % CallBench.ClickSource.PERIOD_FRAMES == CallBench.ClickSource.OFFSET_FRAMES
                        && f / CallBench.ClickSource.PERIOD_FRAMES < clicks) pushTimes.add(t);
            })) {
                p.start();
                p.sourceEnded().thenRun(done::countDown);
                done.await(clicks + 30, TimeUnit.SECONDS);
                Thread.sleep(1000); // the last click reaches the playout side (latency is far below 1 s)
            }
            List<Long> pushes = new ArrayList<>(pushTimes);
            for (int i = 0; i < n; i++) {
                if (i == k) continue;
                List<Double> lat = new ArrayList<>();
                for (long onset : new ArrayList<>(at[i].onsets)) {
                    long best = -1;
                    for (long t : pushes) if (t <= onset) best = t;
                    if (best > 0 && onset - best < 400_000_000L) lat.add((onset - best) / 1e6);
                }
                lat.sort(null);
                all.addAll(lat);
                System.out.printf("participants=%d pair p%d->p%d latency_ms clicks=%d matched=%d median=%s max=%s%n", n, k, i,
                        clicks, lat.size(), lat.isEmpty() ? "-" : String.format("%.1f", lat.get(lat.size() / 2)),
                        lat.isEmpty() ? "-" : String.format("%.1f", lat.get(lat.size() - 1)));
            }
        }
        all.sort(null);
        if (!all.isEmpty()) {
            System.out.printf("participants=%d latency_ms_all_pairs n=%d median=%.1f p90=%.1f max=%.1f%n", n, all.size(),
                    all.get(all.size() / 2), all.get((int) (all.size() * 0.9)), all.get(all.size() - 1));
        }
    }

    private static AudioStatsSample[][] stats(PeerSession[][] s, int n) throws Exception {
        AudioStatsSample[][] out = new AudioStatsSample[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j) out[i][j] = AudioStatsSample.from(s[i][j].stats().toCompletableFuture().get(20, TimeUnit.SECONDS));
            }
        }
        return out;
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Per-frame tone detector (Goertzel) on the playout thread; results queued. */
    static final class Tone implements RemoteAudioSink {
        private final double hz;
        final ConcurrentLinkedQueue<Boolean> frames = new ConcurrentLinkedQueue<>();

        Tone(double hz) {
            this.hz = hz;
        }

        @Override
        public void onFrame(byte[] pcm, int sampleRate, int channels, int count) {
            frames.add(TONE.test(ToneAnalysis.level(pcm, channels, sampleRate, hz)));
        }

        boolean[] drain() {
            List<Boolean> l = new ArrayList<>(frames);
            boolean[] out = new boolean[l.size()];
            for (int i = 0; i < out.length; i++) out[i] = l.get(i);
            return out;
        }
    }

    /** In-memory signaling through its own thread (never from a WebRTC callback into the other factory). */
    static final class Pipe implements SignalingChannel {
        final ExecutorService exec = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bench-pipe");
            t.setDaemon(true);
            return t;
        });
        volatile PeerSession target;

        public void sendDescription(DescriptionType type, String sdp) {
            exec.execute(() -> target.onRemoteDescription(type, sdp, null));
        }

        public void sendCandidate(String candidate, String mid, int index) {
            exec.execute(() -> target.onRemoteCandidate(candidate, mid, index));
        }
    }

    static final class Up implements PeerSessionListener {
        final CountDownLatch open = new CountDownLatch(1);

        @Override
        public void onChannelOpen(PeerSession s, String label) {
            if (PeerSession.CHAT.equals(label)) open.countDown();
        }
    }
}
