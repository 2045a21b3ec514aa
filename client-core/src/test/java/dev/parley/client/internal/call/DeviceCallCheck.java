package dev.parley.client.internal.call;

import dev.parley.client.CallId;
import dev.parley.client.internal.audio.AudioDevices;
import dev.parley.client.internal.audio.CallAudio;
import dev.parley.client.internal.audio.ToneSource;
import dev.parley.client.internal.rtc.RtcConfig;
import dev.parley.client.internal.rtc.RtcRuntime;

import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Child-JVM half of {@link AudioDevicesTest}: runs with {@code PULSE_SERVER} pointing at the test's
 * private daemon (the variable must be in the environment before libpulse loads, so it cannot be set
 * in the test JVM). A (real devices via PulseAudio) calls B (headless). Prints {@code MIC-OK} when B
 * hears the tone written into A's microphone FIFO, {@code SPEAKER-OK} when B's tone is found in A's
 * speaker (the null sink's monitor, read with parec), then {@code DEVICE-CALL-OK}.
 */
public final class DeviceCallCheck {
    public static void main(String[] args) throws Exception {
        Path fifo = Path.of(args[0]);
        AudioDevices.Detection d = AudioDevices.detect();
        System.out.println("DETECT usable=" + d.usable() + " mics=" + d.microphones() + " speakers=" + d.speakers()
                + " message=" + d.message());
        if (!d.usable()) {
            Runtime.getRuntime().halt(2);
        }
        RtcRuntime devices = RtcRuntime.create(RtcConfig.defaults(), AudioDevices.setup(d, "ParleyMic", "ParleySpeaker"));
        System.out.println("RUNTIME devices=" + devices.audioDevices() + " mics=" + devices.recordingDevices()
                + " speakers=" + devices.playoutDevices());
        Thread mic = new Thread(() -> feedTone(fifo), "mic-feeder");
        mic.setDaemon(true);
        mic.start();
        Process parec = new ProcessBuilder("parec", "-d", "parley_out.monitor", "--rate=48000", "--channels=1",
                "--format=s16le", "--raw", "--latency-msec=20").start();
        LevelProbe speaker = new LevelProbe(600);
        Thread reader = new Thread(() -> readInto(parec.getInputStream(), speaker), "speaker-reader");
        reader.setDaemon(true);
        reader.start();
        CallRecorder recA = new CallRecorder("A").ignoringStats();
        CallRecorder recB = new CallRecorder("B").ignoringStats();
        int code = 1;
        try (Party a = new Party('a', devices);
             Party b = new Party('b', RtcConfig.defaults());
             CallEngine ea = new CallEngine(recA, CallConfig.defaults(), Clock.systemUTC());
             CallEngine eb = new CallEngine(recB, CallConfig.defaults(), Clock.systemUTC())) {
            a.feature = ea;
            b.feature = eb;
            Party.connect(a, b);
            LevelProbe atB = new LevelProbe(1000);
            CallId id = ea.dial(b.id, CallAudio.devices()).toCompletableFuture().get(10, TimeUnit.SECONDS);
            recB.next(CallEvent.Ringing.class, Party.WAIT);
            eb.accept(id, new CallAudio(new ToneSource(600, 0.5, null), atB));
            recA.next(CallEvent.Dialing.class, Party.WAIT);
            recA.next(CallEvent.Answered.class, Party.WAIT);
            atB.awaitTone(20, Duration.ofSeconds(30)); // 200 ms unbroken: the device path carries audio (continuity is HeadlessAudioTest's job)
            System.out.println("MIC-OK");
            speaker.awaitTone(20, Duration.ofSeconds(30));
            System.out.println("SPEAKER-OK");
            ea.hangUp(id);
            recB.next(CallEvent.Answered.class, Party.WAIT);
            recB.ended(Party.WAIT);
            code = 0;
        } catch (Throwable t) {
            t.printStackTrace(System.out);
        } finally {
            parec.destroy();
        }
        System.out.println(code == 0 ? "DEVICE-CALL-OK" : "DEVICE-CALL-FAILED");
        System.out.flush();
        Runtime.getRuntime().halt(code);
    }

    private static void feedTone(Path fifo) {
        try (OutputStream out = new FileOutputStream(fifo.toFile())) {
            ToneSource tone = new ToneSource(1000, 0.5, null);
            byte[] frame = new byte[tone.frameBytes()];
            while (true) {
                tone.read(frame);
                out.write(frame); // blocks while the pipe is full: PulseAudio reads in real time
            }
        } catch (Exception e) {
            System.out.println("mic feeder stopped: " + e);
        }
    }

    private static void readInto(InputStream in, LevelProbe probe) {
        try (in) {
            byte[] frame = new byte[960];
            while (true) {
                int n = in.readNBytes(frame, 0, frame.length);
                if (n < frame.length) {
                    return;
                }
                probe.onFrame(frame.clone(), 48_000, 1, 480);
            }
        } catch (Exception e) {
            System.out.println("speaker reader stopped: " + e);
        }
    }
}
