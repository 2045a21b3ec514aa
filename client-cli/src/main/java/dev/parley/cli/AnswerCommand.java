package dev.parley.cli;

import dev.parley.client.CallId;
import dev.parley.client.Contact;
import dev.parley.client.Parley;
import dev.parley.client.PeerId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;

/**
 * {@code parley answer}: waits for one call, answers it, and exits when it ends: 0 for a completed
 * call, 6 when no call came within {@code --timeout}.
 */
@Command(name = "answer", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Wait for one incoming call, answer it, and exit when it ends (either side hangs up, or Ctrl-C). "
                + "Uses the microphone and speaker; with --play and/or --record it runs without audio devices "
                + "(a WAV file as your voice, the caller recorded to a WAV file: 16-bit, 48 kHz mono)."},
        footer = {"", "Example: parley answer --record voicemail.wav --timeout 300",
                "         parley answer --group Family --play hello.wav --duration 30s --json"})
final class AnswerCommand implements java.util.concurrent.Callable<Integer> {
    @Mixin
    SharedOptions.Context context;

    @Mixin
    SharedOptions.Audio audio;

    @Mixin
    SharedOptions.Timeout timeout;

    @Option(names = "--group", paramLabel = "GROUP",
            description = "Wait for a call in this group (id, name or unique prefix) and join it; leave after --duration, "
                    + "when every other participant has left, or on Ctrl-C.")
    String group;

    @Option(names = "--duration", paramLabel = "DURATION", description = "With --group: leave this long after joining: 10s, 500ms, 2m.")
    String duration;

    @Mixin
    SharedOptions.JsonOutput jsonOutput;

    @Override
    public Integer call() throws InterruptedException {
        Integer timeoutSeconds = timeout.seconds();
        boolean json = jsonOutput.on;
        if (duration != null && group == null) throw new CliException(ExitCodes.USAGE, "--duration only makes sense with --group (a 1:1 call ends when either side hangs up)");
        if (group != null) {
            java.time.Duration talk = null;
            if (duration != null) {
                try {
                    talk = LocalFiles.parseDuration(duration);
                } catch (IllegalArgumentException e) {
                    throw new CliException(ExitCodes.USAGE, "--duration: " + e.getMessage());
                }
            }
            return GroupCallRun.run(context, audio, group, true, talk, timeoutSeconds, json);
        }
        try (CallSession session = new CallSession(context, audio, json, "answer")) {
            Parley client = session.client;
            PrintWriter out = session.out;
            PrintWriter err = session.err;
            EventRecorder events = session.events;
            session.goOnline();
            if (!json) err.println("Waiting for a call as " + client.peerId().shortForm() + "… on " + session.profile.server()
                    + (timeoutSeconds == null ? " until Ctrl-C" : " for " + timeoutSeconds + " s") + ".");
            session.flush();
            long deadline = timeoutSeconds == null ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            CallId id = null;
            PeerId peer = null;
            while (true) {
                long wait = id != null || deadline == Long.MAX_VALUE ? System.nanoTime() + TimeUnit.MINUTES.toNanos(10) : deadline;
                EventRecorder.Event e = events.next(wait);
                if (e == null) {
                    if (id == null && deadline != Long.MAX_VALUE && System.nanoTime() - deadline >= 0) {
                        throw new CliException(ExitCodes.PEER_UNREACHABLE, "no call came within " + timeoutSeconds
                                + " s: wait longer with a bigger --timeout; callers use 'parley call' or /call in chat");
                    }
                    continue;
                }
                if (e instanceof EventRecorder.CallRinging r && id == null) {
                    id = r.id();
                    peer = r.peer();
                    session.live(id);
                    if (json) out.println(Json.object().put("event", "call-ringing").put("callId", id.toString()).put("from", peer.value()).put("name", name(client, peer)));
                    else err.println(label(client, peer) + " is calling; answering.");
                    try {
                        client.answerCall(id, audio.media());
                    } catch (IllegalArgumentException ex) {
                        client.declineCall(id);
                        throw new CliException(ExitCodes.FILE, ex.getMessage() + ": use a 16-bit PCM WAV file");
                    }
                } else if (e instanceof EventRecorder.CallAnswered a && a.id().equals(id)) {
                    if (json) out.println(Json.object().put("event", "call-answered").put("callId", id.toString()).put("peer", a.peer().value()).put("name", name(client, a.peer())));
                    else err.println("In a call with " + label(client, a.peer()) + "; Ctrl-C hangs up.");
                } else if (!session.showStats(e, id) && id != null) {
                    Integer code = session.ended(e, id, label(client, peer), name(client, peer),
                            audio.record != null ? "; recorded to " + audio.record.toAbsolutePath() : "");
                    if (code != null) return code;
                }
                session.flush();
            }
        }
    }

    private static String name(Parley client, PeerId peer) {
        return client.contact(peer).map(Contact::displayName).orElse(null);
    }

    private static String label(Parley client, PeerId peer) {
        return client.contact(peer).map(Contact::label).orElse(peer.shortForm() + "…");
    }
}
