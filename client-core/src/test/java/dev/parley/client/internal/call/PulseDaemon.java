package dev.parley.client.internal.call;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A private PulseAudio daemon (Debian package {@code pulseaudio}) for one test, in its own runtime
 * directory: a null sink as the speaker ({@code ParleySpeaker}, its monitor is what was played) and a
 * pipe source as the microphone ({@code ParleyMic}, fed through {@link #micFifo()}). Started as our
 * child; {@link #close()} stops exactly that PID.
 */
final class PulseDaemon implements AutoCloseable {
    private final Path dir;
    private final Process process;

    PulseDaemon(Path dir) throws Exception {
        this.dir = dir;
        Path socket = dir.resolve("native");
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            ProcessBuilder pb = new ProcessBuilder("pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1",
                    "--use-pid-file=no", "--log-target=stderr",
                    "-L", "module-native-protocol-unix socket=" + socket + " auth-anonymous=1",
                    "-L", "module-null-sink sink_name=parley_out rate=48000 channels=1"
                            + " sink_properties=device.description=ParleySpeaker",
                    "-L", "module-pipe-source source_name=parley_mic file=" + micFifo()
                            + " format=s16le rate=48000 channels=1 source_properties=device.description=ParleyMic")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("pulse.log").toFile());
            pb.environment().clear();
            pb.environment().putAll(Map.of("PATH", "/usr/bin:/bin", "HOME", dir.toString(),
                    "XDG_RUNTIME_DIR", dir.toString(), "XDG_CONFIG_HOME", dir.toString()));
            process = pb.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (!Files.exists(socket)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive()) {
                    close();
                    throw new IllegalStateException("pulseaudio did not start: " + Files.readString(dir.resolve("pulse.log")));
                }
                var key = watch.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(500)), TimeUnit.NANOSECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
        }
    }

    String server() {
        return "unix:" + dir.resolve("native");
    }

    Path micFifo() {
        return dir.resolve("mic.fifo");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
