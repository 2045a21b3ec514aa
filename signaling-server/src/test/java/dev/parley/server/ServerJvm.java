package dev.parley.server;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real entry point ({@link ServerMain}) in a JVM of its own, on ephemeral ports of 127.0.0.1, with
 * this test's class path; stderr discarded. Shared by the tests that need a server they can signal or kill.
 */
final class ServerJvm {
    private static final Pattern READY = Pattern.compile("listening ws-port=(\\d+) http-port=(\\d+)");

    /** The ports the server printed on its first line. */
    record Ready(int wsPort, int httpPort) {}

    private ServerJvm() {}

    /** Starts {@code ServerMain --port 0 --http-port 0 --bind 127.0.0.1} followed by {@code extra}. */
    static Process start(String... extra) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), "dev.parley.server.ServerMain",
                "--port", "0", "--http-port", "0", "--bind", "127.0.0.1"));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Its first line, within {@code seconds}: asserted to be there ({@code what}) and to name both ports. */
    static Ready awaitReady(Process p, int seconds, String what) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (Exception e) {
                return null;
            }
        }).get(seconds, TimeUnit.SECONDS);
        assertThat(line).as(what).isNotNull();
        Matcher m = READY.matcher(line);
        assertThat(m.find()).as(line).isTrue();
        return new Ready(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }
}
