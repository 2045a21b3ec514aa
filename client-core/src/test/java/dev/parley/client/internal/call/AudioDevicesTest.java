package dev.parley.client.internal.call;

import dev.parley.client.internal.audio.AudioDevices;
import dev.parley.client.internal.rtc.RtcConfig;
import dev.parley.client.internal.rtc.RtcRuntime;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Real audio devices through PulseAudio, and the headless fallback when there is no audio server. */
@Tag("native")
class AudioDevicesTest {
    @TempDir
    Path dir;

    @Test
    void withoutAnAudioServerDetectionSaysWhyAndTheRuntimeIsHeadless() {
        AudioDevices.Detection d = AudioDevices.detect(Map.of("PULSE_SERVER", "unix:" + dir.resolve("nobody-here")));
        assertThat(d.usable()).isFalse();
        assertThat(d.message()).contains("no audio server").contains("headless").contains("pactl info");
        try (RtcRuntime rt = RtcRuntime.create(RtcConfig.defaults(), AudioDevices.setup(d, null, null))) {
            assertThat(rt.audioDevices()).isFalse();
            assertThat(rt.recordingDevices()).isEmpty();
        }
    }

    @Test
    void aCallUsesThePulseAudioMicrophoneAndSpeakerWhenAServerRuns() throws Exception {
        try (PulseDaemon pulse = new PulseDaemon(dir)) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            Path log = dir.resolve("child.out");
            ProcessBuilder pb = new ProcessBuilder(java, "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-cp", cp, DeviceCallCheck.class.getName(), pulse.micFifo().toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("PULSE_SERVER", pulse.server());
            Process child = pb.start();
            boolean exited = child.waitFor(120, TimeUnit.SECONDS);
            if (!exited) {
                child.destroyForcibly();
            }
            String out = Files.readString(log);
            assertThat(exited).as("child finished; output:\n" + out).isTrue();
            assertThat(out).as("child output").contains("DETECT usable=true").contains("ParleyMic")
                    .contains("RUNTIME devices=true").contains("MIC-OK").contains("SPEAKER-OK")
                    .contains("DEVICE-CALL-OK");
            System.out.println(out.lines().filter(l -> l.startsWith("DETECT") || l.startsWith("RUNTIME") || l.endsWith("-OK")).toList());
            assertThat(child.exitValue()).isZero();
        }
    }
}
