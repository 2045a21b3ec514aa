package dev.parley.client;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.file.Path;

/**
 * A Parley client in its own JVM, for tests that kill a client for real (kill -9). Usage:
 * {@code PeerProcess PROFILE_DIR SERVER_URI [CONTACT_TO_ADD]}. Prints {@code READY <contact string>}
 * once started, {@code RECEIVED <seq>} per new incoming message; exits when stdin closes. With
 * {@code -Dparley.test.haltOnIncoming=true} it halts (exit 3) inside the first incoming message's callback.
 */
public final class PeerProcess {
    /** A started child: its process, and the contact string it printed when READY. */
    record Child(Process process, String contact) {}

    /**
     * Starts a PeerProcess JVM on {@code profile} (extra JVM flags first), copies its stdout lines into
     * {@code lines} and returns once it printed READY (at most 60 s); stderr goes to {@code errFile}.
     */
    static Child start(java.nio.file.Path profile, URI server, String contactToAdd, java.nio.file.Path errFile,
                       java.util.concurrent.BlockingQueue<String> lines, String... jvmFlags) throws Exception {
        return start(PeerProcess.class, profile, server, contactToAdd, errFile, lines, jvmFlags);
    }

    /** The same with another program taking the same arguments and printing READY the same way (e.g. the EchoBot example). */
    static Child start(Class<?> mainClass, java.nio.file.Path profile, URI server, String contactToAdd, java.nio.file.Path errFile,
                       java.util.concurrent.BlockingQueue<String> lines, String... jvmFlags) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m", "-XX:+UseSerialGC"));
        cmd.addAll(java.util.List.of(jvmFlags));
        cmd.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), mainClass.getName(),
                profile.toString(), server.toString()));
        if (contactToAdd != null) cmd.add(contactToAdd);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(ProcessBuilder.Redirect.appendTo(errFile.toFile()));
        Process p = pb.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) lines.add(line);
            } catch (Exception ignored) {
                // process gone
            }
        }, "peer-process-stdout");
        reader.setDaemon(true);
        reader.start();
        while (true) {
            String line = lines.poll(60, java.util.concurrent.TimeUnit.SECONDS);
            if (line == null) throw new AssertionError("no READY line from the child within 60 s (stderr in " + errFile + ")");
            if (line.startsWith("READY ")) return new Child(p, line.substring(6));
        }
    }

    public static void main(String[] args) throws Exception {
        ParleyClient c = ParleyClient.open(ParleyConfig.builder(Path.of(args[0])).server(URI.create(args[1])).build(),
                new ParleyListener() {
                    @Override
                    public void onMessage(ChatMessage m) {
                        // A crash after the message was committed but before the app handled it.
                        if (m.direction() == Direction.INCOMING && Boolean.getBoolean("parley.test.haltOnIncoming")) {
                            System.out.println("HALTING " + m.seq());
                            System.out.flush();
                            Runtime.getRuntime().halt(3);
                        }
                        if (m.direction() == Direction.INCOMING) System.out.println("RECEIVED " + m.seq());
                    }
                });
        if (args.length > 2) c.addContact(args[2], null);
        c.start();
        System.out.println("READY " + c.contactString(null));
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        while (in.readLine() != null) {
            // wait for stdin to close
        }
        c.close();
        System.out.println("CLOSED");
        System.out.flush();
        System.exit(0);
    }
}
