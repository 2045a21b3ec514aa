package dev.parley.bench.calls;

import dev.parley.client.ToneAnalysis;
import dev.parley.client.internal.audio.AudioPump;
import dev.parley.client.internal.audio.PcmSource;
import dev.parley.client.internal.audio.ToneSource;
import dev.parley.client.internal.rtc.DescriptionType;
import dev.parley.client.internal.rtc.DescriptionVerifier;
import dev.parley.client.internal.rtc.PeerSession;
import dev.parley.client.internal.rtc.PeerSessionListener;
import dev.parley.client.internal.audio.RemoteAudioSink;
import dev.parley.client.internal.rtc.RtcConfig;
import dev.parley.client.internal.rtc.RtcRuntime;
import dev.parley.client.internal.rtc.SignalingChannel;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Call benchmark on this machine (two peers in one JVM over the host address, headless audio):
 * <ol>
 *   <li>latency: A plays a click every 500 ms; B's playout callback detects each onset; latency = onset
 *       time at B's playout callback − the time A's pump pushed the click's frame;</li>
 *   <li>audible fraction: A and B play tones to each other for N s; share of B's 10 ms frames that carry
 *       A's 1 kHz tone (Goertzel purity &gt; 0.8, RMS &gt; 0.05) from the first one on;</li>
 *   <li>CPU: process CPU time during that call minus an idle baseline (connected, no audio), per second;
 *       the process holds both ends, so one end ≈ half.</li>
 * </ol>
 * Usage: {@code CallBench [audibleSeconds=60] [clicks=40] [idleSeconds=10]}. Prints raw numbers.
 */
public final class CallBench {
    static final int RATE = 48_000;

    public static void main(String[] args) throws Exception {
        int audibleSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        int clicks = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        int idleSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        System.out.println("date=" + Instant.now() + " cores=" + Runtime.getRuntime().availableProcessors()
                + " java=" + System.getProperty("java.version"));
        RtcRuntime ra = RtcRuntime.create(RtcConfig.defaults());
        RtcRuntime rb = RtcRuntime.create(RtcConfig.defaults());
        Pipe ab = new Pipe();
        Pipe ba = new Pipe();
        Up upA = new Up();
        Up upB = new Up();
        PeerSession a = ra.newSession("alice", "bob", ab, DescriptionVerifier.ACCEPT_ALL, upA);
        PeerSession b = rb.newSession("bob", "alice", ba, DescriptionVerifier.ACCEPT_ALL, upB);
        ab.target = b;
        ba.target = a;
        a.dial();
        if (!upA.open.await(20, TimeUnit.SECONDS) || !upB.open.await(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("peers did not connect");
        }
        try {
            // ---- idle baseline ----
            long cpu0 = cpuNanos();
            long wall0 = System.nanoTime();
            Thread.sleep(idleSeconds * 1000L); // measuring idle CPU: the wait is the measurement
            double idleCores = (cpuNanos() - cpu0) / (double) (System.nanoTime() - wall0);

            // ---- latency ----
            Clicks atB = new Clicks();
            Silent atA = new Silent();
            a.startAudio(atA).toCompletableFuture().get(20, TimeUnit.SECONDS);
            b.startAudio(atB).toCompletableFuture().get(20, TimeUnit.SECONDS);
            ConcurrentLinkedQueue<Long> pushTimes = new ConcurrentLinkedQueue<>();
            CountDownLatch clicksDone = new CountDownLatch(1);
            try (AudioPump silenceB = new AudioPump(new ToneSource(600, 0.0001, null), b::pushAudio, null);
                 AudioPump clickA = new AudioPump(new ClickSource(clicks), a::pushAudio, (pcm, n, t) -> {
                     if (n % ClickSource.PERIOD_FRAMES == ClickSource.OFFSET_FRAMES && n / ClickSource.PERIOD_FRAMES < clicks) {
                         pushTimes.add(t);
                     }
                 })) {
                silenceB.start();
                clickA.start();
                clickA.sourceEnded().thenRun(clicksDone::countDown);
                clicksDone.await(clicks / 2 + 30, TimeUnit.SECONDS);
                Thread.sleep(1000); // let the last click reach the playout side (latency is far below 1 s)
            }
            List<Double> latencies = new ArrayList<>();
            List<Long> pushes = new ArrayList<>(pushTimes);
            for (long onset : atB.onsets) {
                long best = -1;
                for (long p : pushes) {
                    if (p <= onset) {
                        best = p;
                    }
                }
                if (best > 0 && onset - best < 400_000_000L) {
                    latencies.add((onset - best) / 1e6);
                }
            }
            double[] lat = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();

            // ---- audible fraction + CPU during a call with audio both ways ----
            Tone toneAtB = new Tone(1000);
            b.startAudio(toneAtB); // same transceiver: only the sink changes
            long cpu1;
            long wall1;
            try (AudioPump toneA = new AudioPump(new ToneSource(1000, 0.5, null), a::pushAudio, null);
                 AudioPump toneB = new AudioPump(new ToneSource(600, 0.5, null), b::pushAudio, null)) {
                toneA.start();
                toneB.start();
                cpu1 = cpuNanos();
                wall1 = System.nanoTime();
                Thread.sleep(audibleSeconds * 1000L); // the call lasts this long: the wait is the measurement
            }
            double callCores = (cpuNanos() - cpu1) / (double) (System.nanoTime() - wall1);
            boolean[] frames = toneAtB.drain();
            int first = -1;
            for (int i = 0; i < frames.length; i++) {
                if (frames[i]) {
                    first = i;
                    break;
                }
            }
            int hits = 0;
            int span = Math.max(0, frames.length - first - 5); // the last frames race the pump's stop
            for (int i = first; first >= 0 && i < first + span; i++) {
                hits += frames[i] ? 1 : 0;
            }
            System.out.println("latency_ms_raw=" + Arrays.toString(Arrays.stream(lat).map(x -> Math.round(x * 10) / 10.0).toArray()));
            System.out.printf("latency_clicks_sent=%d detected=%d matched=%d playout_callbacks_per_s=%.2f%n", clicks,
                    atB.onsets.size(), lat.length, atB.callbackRate());
            if (lat.length > 0) {
                System.out.printf("latency_ms_min=%.1f median=%.1f p90=%.1f max=%.1f%n", lat[0], lat[lat.length / 2],
                        lat[(int) (lat.length * 0.9)], lat[lat.length - 1]);
            }
            System.out.printf("audible_frames=%d of %d fraction=%.5f (call %d s)%n", hits, span,
                    span == 0 ? 0.0 : (double) hits / span, audibleSeconds);
            System.out.printf("cpu_idle_cores=%.4f cpu_call_cores=%.4f cpu_per_call_both_ends_pct=%.1f cpu_per_end_pct=%.1f%n",
                    idleCores, callCores, (callCores - idleCores) * 100, (callCores - idleCores) * 50);
        } finally {
            ab.exec.shutdownNow();
            ba.exec.shutdownNow();
            ra.close();
            rb.close();
        }
        System.exit(0);
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Silence with a 5 ms, 2 kHz burst at 0.8 of full scale every 500 ms, starting at a frame boundary. */
    public static final class ClickSource implements PcmSource {
        public static final int PERIOD_FRAMES = 50;
        public static final int OFFSET_FRAMES = 20;
        private final int clicks;
        private long frame;

        public ClickSource(int clicks) {
            this.clicks = clicks;
        }

        public int sampleRate() {
            return RATE;
        }

        public int channels() {
            return 1;
        }

        public boolean read(byte[] out) {
            Arrays.fill(out, (byte) 0);
            long n = frame++;
            if (n >= (long) clicks * PERIOD_FRAMES + OFFSET_FRAMES + 50) {
                return false;
            }
            if (n % PERIOD_FRAMES == OFFSET_FRAMES && n / PERIOD_FRAMES < clicks) {
                for (int i = 0; i < 240; i++) {
                    int v = (int) (Math.sin(2 * Math.PI * 2000 * i / RATE) * 0.8 * Short.MAX_VALUE);
                    out[2 * i] = (byte) v;
                    out[2 * i + 1] = (byte) (v >> 8);
                }
            }
            return true;
        }
    }

    /** Onset detector on the playout thread: a sample above 0.1 after ≥ 200 ms below it. */
    public static final class Clicks implements RemoteAudioSink {
        public final List<Long> onsets = java.util.Collections.synchronizedList(new ArrayList<>());
        private long lastLoud = Long.MIN_VALUE / 2;
        volatile long callbacks;
        volatile long firstCallback;
        volatile long lastCallback;

        /** Playout callbacks per second seen by this sink (the headless ADM's playout clock). */
        double callbackRate() {
            return callbacks < 2 ? 0 : (callbacks - 1) * 1e9 / (lastCallback - firstCallback);
        }

        @Override
        public void onFrame(byte[] pcm, int sampleRate, int channels, int frames) {
            long now = System.nanoTime();
            if (callbacks++ == 0) {
                firstCallback = now;
            }
            lastCallback = now;
            int count = pcm.length / 2 / channels;
            for (int i = 0; i < count; i++) {
                int j = i * 2 * channels;
                double x = Math.abs((short) ((pcm[j] & 0xff) | (pcm[j + 1] << 8)) / 32768.0);
                long t = now + i * 1_000_000_000L / sampleRate;
                if (x > 0.1) {
                    if (t - lastLoud > 200_000_000L) {
                        onsets.add(t);
                    }
                    lastLoud = t;
                }
            }
        }
    }

    static final class Silent implements RemoteAudioSink {
        @Override
        public void onFrame(byte[] pcm, int sampleRate, int channels, int frames) {
        }
    }

    /** Per-frame tone detector (Goertzel) on the playout thread; results queued. */
    static final class Tone implements RemoteAudioSink {
        static final ToneAnalysis.Threshold TONE = new ToneAnalysis.Threshold(0.05, 0.8);
        private final double hz;
        private final ConcurrentLinkedQueue<Boolean> frames = new ConcurrentLinkedQueue<>();

        Tone(double hz) {
            this.hz = hz;
        }

        @Override
        public void onFrame(byte[] pcm, int sampleRate, int channels, int n) {
            frames.add(TONE.test(ToneAnalysis.level(pcm, channels, sampleRate, hz)));
        }

        boolean[] drain() {
            List<Boolean> l = new ArrayList<>(frames);
            boolean[] out = new boolean[l.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = l.get(i);
            }
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
            if (PeerSession.CHAT.equals(label)) {
                open.countDown();
            }
        }
    }
}
