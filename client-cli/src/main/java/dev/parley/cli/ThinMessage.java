package dev.parley.cli;

import dev.parley.client.Contact;
import dev.parley.client.PeerId;
import dev.parley.daemon.client.DaemonEndpoint;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code parley message --to CONTACT TEXT} while a daemon serves the profile, without picocli: a
 * one-shot command's budget is a few hundred milliseconds and building picocli's model alone took
 * 0.17–0.31 s of it (docs/benchmarks.md, daemon). It takes only the plain form (global {@code --profile}
 * / {@code --server}, then {@code message} or {@code msg} with {@code --to}, {@code --timeout},
 * {@code --json}, {@code --} and the words), and answers exactly as {@link MessageCommand} does: the
 * same lines, JSON and exit codes. Anything else — help, {@code --group}, a usage error, no daemon, a
 * daemon that does not answer before the message is sent — returns {@code null} and the command runs
 * through picocli as before, so every error message stays picocli's or the command's own.
 *
 * <p>Three requests and one event stream: {@code GET /v1/check} (where the stream stands), the event
 * stream from there (SSE), {@code GET /v1/contacts}, then {@code POST …/messages}; it waits for the
 * message's {@code delivered} state as the command does.
 */
final class ThinMessage {
    private final Path profileOption;
    private final String serverOption;
    private final String to;
    private final Integer timeout;
    private final boolean json;
    private final String text;

    private ThinMessage(Path profileOption, String serverOption, String to, Integer timeout, boolean json, String text) {
        this.profileOption = profileOption;
        this.serverOption = serverOption;
        this.to = to;
        this.timeout = timeout;
        this.json = json;
        this.text = text;
    }

    /** The exit code if this path handled the command, else null (run it through picocli). */
    static Integer tryRun(String[] args, PrintStream out, PrintStream err) {
        ThinMessage m = parse(args);
        return m == null ? null : m.run(out, err);
    }

    /** The plain form of the command, or null for anything else. */
    static ThinMessage parse(String[] args) {
        Path profile = null;
        String server = null;
        int i = 0;
        for (; i < args.length; i++) {
            String a = args[i];
            if ((a.equals("--profile") || a.equals("--server")) && i + 1 < args.length && !args[i + 1].startsWith("-")) {
                if (a.equals("--profile")) {
                    if (profile != null) return null;
                    profile = path(args[++i]);
                    if (profile == null) return null;
                } else {
                    if (server != null) return null;
                    server = args[++i];
                }
            } else if (a.startsWith("--profile=") && profile == null) {
                profile = path(a.substring("--profile=".length()));
                if (profile == null) return null;
            } else if (a.startsWith("--server=") && server == null) {
                server = a.substring("--server=".length());
            } else {
                break;
            }
        }
        if (i >= args.length || !(args[i].equals("message") || args[i].equals("msg"))) return null;
        String to = null;
        Integer timeout = null;
        boolean json = false;
        List<String> words = new ArrayList<>();
        boolean optionsEnded = false;
        for (i++; i < args.length; i++) {
            String a = args[i];
            if (optionsEnded || !a.startsWith("-")) {
                words.add(a);
            } else if (a.equals("--")) {
                optionsEnded = true;
            } else if (a.equals("--json")) {
                if (json) return null;
                json = true;
            } else if (a.equals("--to") || a.startsWith("--to=")) {
                String v = value(args, i, "--to");
                if (v == null || to != null) return null;
                if (a.equals("--to")) i++;
                to = v;
            } else if (a.equals("--timeout") || a.startsWith("--timeout=")) {
                String v = value(args, i, "--timeout");
                if (v == null || timeout != null || !v.matches("[0-9]{1,9}")) return null;
                if (a.equals("--timeout")) i++;
                timeout = Integer.parseInt(v);
                if (timeout <= 0) return null;
            } else {
                return null; // --group, --all, --help, a mistake: picocli's
            }
        }
        String text = String.join(" ", words);
        if (to == null || words.isEmpty() || text.isBlank()) return null;
        return new ThinMessage(profile, server, to, timeout, json, text);
    }

    private static String value(String[] args, int i, String name) {
        String a = args[i];
        if (a.startsWith(name + "=")) return a.substring(name.length() + 1);
        if (i + 1 >= args.length || args[i + 1].startsWith("-")) return null;
        return args[i + 1];
    }

    private static Path path(String p) {
        try {
            return Path.of(p);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private Integer run(PrintStream out, PrintStream err) {
        Profile profile;
        Optional<DaemonEndpoint> daemon;
        try {
            profile = Profile.resolve(profileOption, serverOption, false, System.getenv());
            daemon = daemon(profile.dir());
        } catch (RuntimeException e) {
            return null;
        }
        if (daemon.isEmpty()) return null;
        int timeoutSeconds = timeout != null ? timeout : MessageCommand.DEFAULT_TIMEOUT_SECONDS;
        ThinHttp http;
        ThinHttp.Events events;
        Contact contact;
        boolean online;
        try {
            http = new ThinHttp(daemon.get().url(), daemon.get().token());
            Map<String, Object> check = answer(http.get("/v1/check"), "/v1/check");
            long since = check.get("lastSeq") instanceof Long l ? l : 0;
            events = http.events(since, ThinJson.text(check, "epoch"));
        } catch (IOException | RuntimeException e) {
            return null; // picocli's path says the daemon does not answer, as before
        }
        try (events) {
            List<Contact> contacts = new ArrayList<>();
            List<Boolean> onlines = new ArrayList<>();
            ThinHttp.Answer all = http.get("/v1/contacts");
            if (all.status() != 200 || !(ThinJson.parse(all.body()) instanceof List<?> list)) return null;
            for (Object o : list) {
                Map<String, Object> c = ThinJson.object(o, "a contact");
                contacts.add(new Contact(PeerId.of(ThinJson.text(c, "peerId")), ThinJson.text(c, "name"), null, null, false, Instant.EPOCH));
                onlines.add(Boolean.TRUE.equals(c.get("online")));
            }
            contact = Contacts.resolve(contacts, to);
            online = onlines.get(contacts.indexOf(contact));
            return send(http, events, profile, contact, online, timeoutSeconds, out);
        } catch (CliException e) {
            err.println("parley: " + e.getMessage());
            err.flush();
            return e.exitCode();
        } catch (IOException | RuntimeException e) {
            err.println("parley: unexpected error: " + new IllegalStateException("the Parley daemon at " + daemon.get().url()
                    + " failed (" + e + "); is it still running? ('parley daemon --status')")
                    + " (run again with --verbose for details; the profile's parley.log may say more)");
            err.flush();
            return ExitCodes.INTERNAL;
        }
    }

    private int send(ThinHttp http, ThinHttp.Events events, Profile profile, Contact contact, boolean seenOnline,
                     int timeoutSeconds, PrintStream out) throws IOException {
        String peer = contact.peerId().value();
        long t0 = System.nanoTime();
        ThinHttp.Answer sent = http.post("/v1/contacts/" + peer + "/messages", "{\"text\":" + ThinJson.quote(text) + "}");
        if (sent.status() == 400 || sent.status() == 413) {
            Object body = ThinJson.parse(sent.body());
            Object error = body instanceof Map<?, ?> m ? m.get("error") : null;
            String message = error instanceof Map<?, ?> e && e.get("message") instanceof String s ? s : sent.body();
            throw new CliException(ExitCodes.USAGE, "cannot send: " + message);
        }
        if (sent.status() == 404) throw new CliException(ExitCodes.USAGE, "cannot send: not a contact: " + contact.peerId() + " (add it first)");
        String id = sent.status() / 100 == 2 ? ThinJson.text(ThinJson.object(ThinJson.parse(sent.body()), "the message"), "id") : null;
        if (id == null) throw new IOException("POST …/messages answered HTTP " + sent.status() + ": " + sent.body());
        long deadline = t0 + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            String e = events.next(deadline);
            if (e == null) break;
            Map<String, Object> ev = ThinJson.object(ThinJson.parse(e), "an event");
            String type = String.valueOf(ev.get("type"));
            if (type.equals("message-state") && id.equals(ev.get("id"))
                    && ("delivered".equals(ev.get("state")) || "read".equals(ev.get("state")))) {
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                if (json) {
                    out.println("{\"id\":" + ThinJson.quote(id) + ",\"to\":" + ThinJson.quote(peer) + ",\"name\":"
                            + ThinJson.quote(contact.displayName()) + ",\"state\":\"delivered\",\"ms\":" + ms + "}");
                } else {
                    out.println("Delivered to " + contact.label() + " (" + ms + " ms).");
                }
                out.flush();
                return ExitCodes.OK;
            } else if (type.equals("presence") && peer.equals(ev.get("peerId")) && Boolean.TRUE.equals(ev.get("online"))) {
                seenOnline = true;
            } else if (type.equals("security-warning") && peer.equals(ev.get("peerId"))) {
                throw new CliException(ExitCodes.SECURITY, "security check failed for " + contact.label() + ": " + ev.get("reason")
                        + "; nothing was delivered. Compare safety numbers with 'parley contacts verify "
                        + ContactsCommand.firstWord(contact) + "'");
            }
        }
        if (!seenOnline) {
            ThinHttp.Answer p = http.get("/v1/contacts/" + peer + "/presence");
            seenOnline = p.status() == 200 && Boolean.TRUE.equals(ThinJson.object(ThinJson.parse(p.body()), "presence").get("online"));
        }
        String queued = "; the message is queued and goes out the next time this profile is online ('parley chat' or 'parley receive')";
        if (!seenOnline) {
            throw new CliException(ExitCodes.PEER_UNREACHABLE, contact.label() + " is offline (not connected to " + profile.server()
                    + " within " + timeoutSeconds + " s)" + queued);
        }
        throw new CliException(ExitCodes.PEER_UNREACHABLE, contact.label() + " is online but did not acknowledge within "
                + timeoutSeconds + " s (no direct connection?)" + queued);
    }

    /**
     * {@link DaemonEndpoint#find} without Jackson (creating its mapper alone costs this path ~60 ms):
     * the {@code daemon.json} a live process wrote, and a valid token.
     */
    static Optional<DaemonEndpoint> daemon(Path dir) {
        try {
            Map<String, Object> f = ThinJson.object(ThinJson.parse(java.nio.file.Files.readString(
                    dir.resolve(dev.parley.daemon.DaemonFile.FILE), java.nio.charset.StandardCharsets.UTF_8)), "daemon.json");
            if (!(f.get("pid") instanceof Long pid) || ThinJson.text(f, "url") == null) return Optional.empty();
            if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) return Optional.empty();
            return Optional.of(new DaemonEndpoint(pid, java.net.URI.create(ThinJson.text(f, "url")), dev.parley.daemon.ApiToken.read(dir)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // none, damaged, half-written, or no usable token: as DaemonEndpoint.find
        }
    }

    private static Map<String, Object> answer(ThinHttp.Answer a, String what) throws IOException {
        if (a.status() != 200) throw new IOException(what + " answered HTTP " + a.status());
        return ThinJson.object(ThinJson.parse(a.body()), what);
    }
}
