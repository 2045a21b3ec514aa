package dev.parley.cli;

import dev.parley.client.CallId;
import dev.parley.client.CallMedia;
import dev.parley.client.Contact;
import dev.parley.client.Parley;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code parley call --to X}: dials, talks (microphone, or {@code --play WAV}), hangs up after
 * {@code --duration}, exit 0 after a completed call; 9 declined, 11 busy, 6 no answer or unreachable.
 * With {@code --group}: the group's call ({@link GroupCallRun}).
 */
@Command(name = "call", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Call a contact and exit when the call ends: after --duration of talk, when they hang up, or on Ctrl-C. "
                + "Uses the microphone and speaker; with --play and/or --record it runs without audio devices "
                + "(a WAV file as your voice, theirs recorded to a WAV file: 16-bit, 48 kHz mono)."},
        footer = {"", "Example: parley call --to Bob --play greeting.wav --duration 10s --json",
                "         parley call --group Family --record family.wav --duration 1m"})
final class CallCommand implements java.util.concurrent.Callable<Integer> {
    /** The callee rings for 45 s; connecting first may take up to 20 s. */
    private static final long DIAL_TIMEOUT_SECONDS = 40;

    @Mixin
    SharedOptions.Context context;

    /** Exactly one of {@code --to CONTACT} and {@code --group GROUP}. */
    static final class Target {
        @Option(names = "--to", required = true, paramLabel = "CONTACT", description = "Peer id, contact name, or a unique prefix of either.")
        String contact;

        @Option(names = "--group", required = true, paramLabel = "GROUP",
                description = "Start the group's call, or join it if one runs (id, name or unique prefix); leave after --duration, "
                        + "when every other participant has left, or on Ctrl-C.")
        String group;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target to;

    @Mixin
    SharedOptions.Audio audio;

    @Option(names = "--duration", paramLabel = "DURATION", description = "Hang up this long after they answer (a group call: leave this long after joining): 10s, 500ms, 2m (default: when they hang up or Ctrl-C).")
    String duration;

    @Mixin
    SharedOptions.JsonOutput jsonOutput;

    @Override
    public Integer call() throws InterruptedException {
        boolean json = jsonOutput.on;
        Duration talk = null;
        if (duration != null) {
            try {
                talk = LocalFiles.parseDuration(duration);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, "--duration: " + e.getMessage());
            }
        }
        if (to.group != null) return GroupCallRun.run(context, audio, to.group, false, talk, null, json);
        try (CallSession session = new CallSession(context, audio, json, "call")) {
            Parley client = session.client;
            PrintWriter out = session.out;
            PrintWriter err = session.err;
            EventRecorder events = session.events;
            Contact contact = Contacts.resolve(client, to.contact);
            String label = contact.label();
            session.goOnline();
            if (!json) err.println("Calling " + label + "…");
            session.flush();
            CallMedia media = audio.media();
            CallId id;
            try {
                id = client.call(contact.peerId(), media).toCompletableFuture().get(DIAL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.FILE, e.getMessage() + ": use a 16-bit PCM WAV file");
            } catch (ExecutionException e) {
                String why = e.getCause() == null ? String.valueOf(e) : e.getCause().getMessage();
                if (why != null && why.contains("busy")) throw new CliException(ExitCodes.BUSY, "cannot call " + label + ": " + why + "; try again later");
                throw new CliException(ExitCodes.PEER_UNREACHABLE, "cannot call " + label + ": " + why
                        + (why != null && why.contains("online") ? "" : "; is " + label + " online?"), e.getCause());
            } catch (TimeoutException e) {
                throw new CliException(ExitCodes.PEER_UNREACHABLE, "cannot call " + label + ": no direct connection within "
                        + DIAL_TIMEOUT_SECONDS + " s; is " + label + " online?");
            }
            session.live(id);
            if (json) out.println(Json.object().put("event", "call-dialing").put("callId", id.toString()).put("to", contact.peerId().value()).put("name", contact.displayName()));
            else err.println("Ringing at " + label + "…");
            session.flush();
            long hangUpAt = Long.MAX_VALUE;
            while (true) {
                EventRecorder.Event e = events.next(hangUpAt == Long.MAX_VALUE ? System.nanoTime() + TimeUnit.MINUTES.toNanos(10) : hangUpAt);
                if (e == null) {
                    if (hangUpAt != Long.MAX_VALUE && System.nanoTime() - hangUpAt >= 0) {
                        client.hangUp(id);
                        hangUpAt = Long.MAX_VALUE;
                    }
                    continue;
                }
                Integer code = session.showStats(e, id) ? null : session.ended(e, id, label, contact.displayName(), "");
                if (code != null) return code;
                if (e instanceof EventRecorder.CallAnswered a && a.id().equals(id)) {
                    if (json) out.println(Json.object().put("event", "call-answered").put("callId", id.toString()).put("peer", a.peer().value()).put("name", contact.displayName()));
                    else err.println(label + " answered" + (talk == null ? "; Ctrl-C hangs up." : "; hanging up in " + LocalFiles.clock(talk) + "."));
                    if (talk != null) hangUpAt = System.nanoTime() + talk.toNanos();
                } else if (e instanceof EventRecorder.Security s && s.peer().equals(contact.peerId())) {
                    throw new CliException(ExitCodes.SECURITY, "security check failed for " + label + ": " + s.reason()
                            + "; compare safety numbers with 'parley contacts verify " + ContactsCommand.firstWord(contact) + "'");
                }
                session.flush();
            }
        }
    }
}
