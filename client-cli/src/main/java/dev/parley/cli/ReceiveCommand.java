package dev.parley.cli;

import dev.parley.client.ChatMessage;
import dev.parley.client.Contact;
import dev.parley.client.Direction;
import dev.parley.client.ParleyClient;
import dev.parley.protocol.PeerId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code parley receive}: stays online and reports what arrives, one line per event (with
 * {@code --json}, one JSON object per line). Exits 0 at {@code --timeout}, or on Ctrl-C.
 */
@Command(name = "receive", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Stay online and print what arrives: messages now (file offers come with file transfer). Messages queued for you "
                + "arrive as soon as their senders see you online. With --json every event is one JSON object on its own line; "
                + "lines not starting with '{' are not events."},
        footer = {"", "Example: parley receive --json --timeout 60 | jq -r 'select(.event==\"message\") | .text'"})
final class ReceiveCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneId.systemDefault());

    @ParentCommand
    ParleyCommand root;

    @Spec
    CommandSpec spec;

    @Option(names = "--auto-accept", description = "Accept incoming file offers without asking (file transfer is not in this build yet).")
    boolean autoAccept;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where accepted files go (default: <profile>/downloads).")
    Path dir;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Exit 0 after this many seconds (default: run until Ctrl-C).")
    Integer timeoutSeconds;

    @Option(names = "--count", paramLabel = "N", description = "Exit 0 after N messages have arrived.")
    Integer count;

    @Option(names = "--json", description = "One JSON object per line per event: online, message, presence, server, security.")
    boolean json;

    private PrintWriter out;
    private PrintWriter err;
    private ParleyClient client;
    private int received;

    @Override
    public Integer call() throws InterruptedException {
        if (timeoutSeconds != null && timeoutSeconds <= 0) throw new CliException(ExitCodes.USAGE, "--timeout must be a positive number of seconds");
        if (count != null && count <= 0) throw new CliException(ExitCodes.USAGE, "--count must be a positive number of messages");
        Profile profile = Profile.resolve(root);
        if (dir != null && Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new CliException(ExitCodes.FILE, "--dir " + dir + " is a file, not a directory: pick a directory for downloads");
        }
        out = spec.commandLine().getOut();
        err = spec.commandLine().getErr();
        EventRecorder events = new EventRecorder();
        client = profile.open(events);
        Thread hook = new Thread(client::close, "parley-receive-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            long start = System.nanoTime();
            long deadline = timeoutSeconds == null ? Long.MAX_VALUE : start + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            Online.start(client, profile, events, this::show);
            if (json) {
                out.println(Json.object().put("event", "online").put("peerId", client.peerId().value()).put("server", profile.server().toString()));
            } else {
                err.println("Listening as " + client.peerId().shortForm() + "… on " + profile.server()
                        + (timeoutSeconds == null ? " until Ctrl-C" : " for " + timeoutSeconds + " s") + ".");
                err.flush();
            }
            out.flush();
            while (count == null || received < count) {
                long wait = deadline == Long.MAX_VALUE ? System.nanoTime() + TimeUnit.HOURS.toNanos(1) : deadline;
                EventRecorder.Event e = events.next(wait);
                if (e == null) {
                    if (System.nanoTime() - deadline >= 0) return ExitCodes.OK;
                    continue;
                }
                if (e instanceof EventRecorder.Closed) return ExitCodes.OK;
                show(e);
            }
            return ExitCodes.OK;
        } finally {
            client.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or ran: nothing to undo
            }
        }
    }

    private void show(EventRecorder.Event e) {
        if (e instanceof EventRecorder.Message m && m.message().direction() == Direction.INCOMING) {
            ChatMessage msg = m.message();
            received++;
            String name = name(msg.peer());
            if (json) {
                out.println(Json.object().put("event", "message").put("id", msg.id().toString()).put("from", msg.peer().value())
                        .put("name", name).put("text", msg.text()).put("sentAt", msg.sentAt().toString())
                        .put("receivedAt", msg.storedAt().toString()));
            } else {
                out.println(TIME.format(msg.storedAt()) + " " + (name != null ? name : msg.peer().shortForm()) + ": " + msg.text());
            }
        } else if (e instanceof EventRecorder.Presence p) {
            if (json) out.println(Json.object().put("event", "presence").put("peer", p.peer().value()).put("name", name(p.peer())).put("online", p.online()));
        } else if (e instanceof EventRecorder.ServerState s) {
            if (json) out.println(Json.object().put("event", "server").put("online", s.online()).put("detail", s.detail()));
            else err.println("[server] " + (s.online() ? "back online" : s.detail()));
        } else if (e instanceof EventRecorder.Security s) {
            if (json) out.println(Json.object().put("event", "security").put("peer", s.peer().value()).put("name", name(s.peer())).put("reason", s.reason()));
            else err.println("SECURITY WARNING about " + label(s.peer()) + ": " + s.reason());
        }
        out.flush();
        err.flush();
    }

    private String name(PeerId peer) {
        return client.contact(peer).map(Contact::displayName).orElse(null);
    }

    private String label(PeerId peer) {
        return client.contact(peer).map(Contact::label).orElse(peer.shortForm());
    }
}
