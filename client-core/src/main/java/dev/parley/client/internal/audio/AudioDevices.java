package dev.parley.client.internal.audio;

import lombok.extern.slf4j.Slf4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Finds out, without risking this JVM, whether real audio devices can be used: first a cheap check for
 * an audio server ({@code pactl info}, else the PulseAudio socket, else ALSA's {@code /dev/snd}), then a
 * child JVM ({@link DeviceProbe}) creates webrtc-java's default audio module and lists the devices — if
 * the native side aborts, only the child dies. Blocking (up to ~20 s); call it once at start-up, off any
 * UI or WebRTC thread.
 */
@Slf4j
public final class AudioDevices {
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(20);

    private AudioDevices() {
    }

    /** One device as webrtc-java names it. */
    public record Device(boolean microphone, String name) { }

    /**
     * @param usable  true if the default audio module started and found devices
     * @param devices what it found (microphones and speakers)
     * @param message for the user: what was found, or why headless audio will be used and what to do
     */
    public record Detection(boolean usable, List<Device> devices, String message) {
        public List<String> microphones() {
            return devices.stream().filter(Device::microphone).map(Device::name).toList();
        }

        public List<String> speakers() {
            return devices.stream().filter(d -> !d.microphone()).map(Device::name).toList();
        }
    }

    /** Detect with this process's environment. */
    public static Detection detect() {
        return detect(Map.of());
    }

    /** Detect; {@code envOverrides} (e.g. {@code PULSE_SERVER}) apply to the child processes. */
    public static Detection detect(Map<String, String> envOverrides) {
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.putAll(envOverrides);
        String server = serverCheck(env);
        if (server != null) {
            return headless(server);
        }
        try {
            return probe(envOverrides);
        } catch (Exception e) {
            return headless("the audio device probe failed: " + e.getMessage());
        }
    }

    /**
     * Real devices if {@link #detect()} allows, else headless (and the reason is logged); pass it to
     * {@code RtcRuntime.create(config, setup)}, whose {@code audioNotice()} says why it is headless.
     */
    public static AudioSetup setup(Detection detection, String microphone, String speaker) {
        if (!detection.usable()) {
            log.warn(detection.message());
            return AudioSetup.headless();
        }
        return AudioSetup.devices(microphone, speaker);
    }

    private static Detection headless(String why) {
        String msg = why + ". Using headless audio (calls still work: play a WAV or tone, record to WAV). "
                + "For a microphone and speaker, start PulseAudio (or PipeWire's pulse server) and make sure "
                + "'pactl info' works for this user.";
        return new Detection(false, List.of(), msg);
    }

    /** Null if an audio server looks reachable, else the reason it is not. */
    private static String serverCheck(Map<String, String> env) {
        try {
            ProcessBuilder pb = new ProcessBuilder("pactl", "info").redirectErrorStream(true);
            pb.environment().clear();
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "'pactl info' did not answer in 5 s";
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.exitValue() == 0) {
                return null;
            }
            if (Files.isDirectory(Path.of("/dev/snd"))) {
                return null; // no PulseAudio, but ALSA devices: let the probe decide
            }
            return "no audio server: 'pactl info' said \"" + firstLine(out) + "\" and there is no /dev/snd";
        } catch (IOException e) {
            // pactl not installed (package pulseaudio-utils): fall back to looking for the socket.
            String s = env.get("PULSE_SERVER");
            Path socket = s != null && s.startsWith("unix:") ? Path.of(s.substring(5))
                    : env.get("XDG_RUNTIME_DIR") != null ? Path.of(env.get("XDG_RUNTIME_DIR"), "pulse", "native") : null;
            if ((socket != null && Files.exists(socket)) || Files.isDirectory(Path.of("/dev/snd"))) {
                return null;
            }
            return "no audio server: no PulseAudio socket and no /dev/snd";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static Detection probe(Map<String, String> envOverrides) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", cp,
                DeviceProbe.class.getName()).redirectErrorStream(true);
        pb.environment().putAll(envOverrides);
        Process p = pb.start();
        byte[] out;
        try (var in = p.getInputStream()) {
            out = in.readAllBytes(); // the child exits (halt) or dies; either closes the pipe
        }
        if (!p.waitFor(PROBE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return headless("the audio device probe hung for " + PROBE_TIMEOUT);
        }
        List<Device> devices = new ArrayList<>();
        boolean ok = false;
        String last = "";
        for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
            String[] f = line.split("\t");
            if (f.length >= 2 && (f[0].equals("rec") || f[0].equals("play"))) {
                devices.add(new Device(f[0].equals("rec"), f[1]));
            } else if (line.equals("ok")) {
                ok = true;
            } else if (!line.isBlank() && !line.contains("attach")) {
                last = line;
            }
        }
        if (!ok || p.exitValue() != 0) {
            return headless("the default audio module could not start (probe exit " + p.exitValue()
                    + (p.exitValue() == 134 ? ", native abort" : "") + ": " + firstLine(last) + ")");
        }
        if (devices.stream().noneMatch(Device::microphone) || devices.stream().allMatch(Device::microphone)) {
            return new Detection(false, devices, headless("the audio server has no "
                    + (devices.stream().noneMatch(Device::microphone) ? "microphone" : "speaker")).message());
        }
        return new Detection(true, devices, "audio devices: " + devices.size() + " found");
    }

    private static String firstLine(String s) {
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }
}
