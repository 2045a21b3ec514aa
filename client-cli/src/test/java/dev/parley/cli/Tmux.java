package dev.parley.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Interactive {@code parley chat} sessions in real pseudo-terminals: tmux on a private socket, typing
 * and reading the screen. Every wait is a bounded poll of the pane's contents. {@link #close()} ends
 * the private tmux server and with it only the JVMs started in it.
 */
final class Tmux implements AutoCloseable {
    private final String socket = "parley-test-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<String> sessions = new ArrayList<>();

    /** Starts {@code parley --profile P --server URL chat [CONTACT]} in a new 160×40 session. */
    void startChat(String session, Path profile, String url, String contact) throws Exception {
        startChat(session, profile, url, contact, new String[0]);
    }

    /** As above, with {@code options} after the contact (e.g. {@code --play a.wav --record b.wav}). */
    void startChat(String session, Path profile, String url, String contact, String... options) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m", "-XX:TieredStopAtLevel=1", "-Dfile.encoding=UTF-8", "-Dstdout.encoding=UTF-8",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--profile", profile.toString(), "--server", url, "chat"));
        if (contact != null) cmd.add(contact);
        cmd.addAll(List.of(options));
        StringBuilder b = new StringBuilder("exec");
        for (String c : cmd) b.append(" '").append(c.replace("'", "'\\''")).append('\'');
        if (sessions.isEmpty()) {
            tmux("-f", "/dev/null", "new-session", "-d", "-s", session, "-x", "160", "-y", "40", "-e", "LANG=C.UTF-8", b.toString());
        } else {
            tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "40", "-e", "LANG=C.UTF-8", b.toString());
        }
        sessions.add(session);
    }

    void type(String session, String text) throws Exception {
        tmux("send-keys", "-t", session, "-l", text);
    }

    void enter(String session) throws Exception {
        tmux("send-keys", "-t", session, "Enter");
    }

    void tab(String session) throws Exception {
        tmux("send-keys", "-t", session, "Tab");
    }

    String screen(String session) throws Exception {
        return tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", session);
    }

    void awaitScreen(String session, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last = "";
        while (System.nanoTime() < deadline) {
            last = screen(session);
            if (last.contains(text)) return;
            TimeUnit.MILLISECONDS.sleep(100); // polling interval of the screen, not a synchronisation point
        }
        StringBuilder others = new StringBuilder();
        for (String s : sessions) if (!s.equals(session)) others.append("\n").append(s).append("'s screen:\n").append(screen(s));
        throw new AssertionError("'" + text + "' not on " + session + "'s screen within 30 s; screen:\n" + last + others);
    }

    void awaitGone(String session) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!tmux("list-sessions", "-F", "#{session_name}").lines().toList().contains(session)) return;
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new AssertionError(session + " did not exit; screen:\n" + screen(session));
    }

    private String tmux(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-u", "-L", socket));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
        return out;
    }

    @Override
    public void close() throws Exception {
        tmux("kill-server"); // only our private socket
    }
}
