package dev.parley.cli;

import dev.parley.client.CallMedia;
import dev.parley.client.CallRecord;
import dev.parley.client.CallStats;
import dev.parley.client.Parley;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/** What {@code parley call}, {@code parley answer} and the chat's calls share: call media, JSON events, texts and exit codes by how the call ended. */
public final class CallSupport {
    private CallSupport() {}

    /** The microphone and speaker unless the call is headless (a WAV to play and/or one to record to). */
    public static CallMedia media(Path play, Path record) {
        CallMedia m = play != null ? CallMedia.play(play.toAbsolutePath()) : CallMedia.devices();
        return record != null ? m.record(record.toAbsolutePath()) : m;
    }

    /** Without {@code --play}/{@code --record} a one-shot call needs real devices: exit 10 when Parley fell back to headless audio. */
    static void requireDevices(Parley client) {
        client.audioNotice().ifPresent(n -> {
            String why = n.contains(". Using headless") ? n.substring(0, n.indexOf(". Using headless")) : n;
            throw new CliException(ExitCodes.AUDIO, "no usable microphone or speaker (" + why + "): start PulseAudio "
                    + "(or PipeWire's pulse server) so 'pactl info' works, or call without devices: --play WAV and/or --record WAV");
        });
    }

    static Json statsJson(CallStats s) {
        return Json.object().put("event", "call-stats").put("callId", s.callId().toString())
                .put("rttMs", s.roundTripTime() == null ? null : s.roundTripTime().toNanos() / 1e6)
                .put("jitterMs", s.jitter() == null ? null : s.jitter().toNanos() / 1e6)
                .put("loss", s.lossFraction()).put("sendBps", s.sendBitrateBps()).put("recvBps", s.recvBitrateBps())
                .put("codec", s.codec()).put("packetsSent", s.packetsSent()).put("packetsReceived", s.packetsReceived())
                .put("packetsLost", s.packetsLost());
    }

    static Json endedJson(CallRecord r, String name) {
        return Json.object().put("event", "call-ended").put("callId", r.callId().toString()).put("peer", r.peer().value())
                .put("name", name).put("direction", r.direction().name().toLowerCase(Locale.ROOT))
                .put("reason", r.reason().name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .put("durationMs", r.duration().toMillis()).put("endedLocally", r.endedLocally()).put("missed", r.missed());
    }

    /** {@code rtt 12 ms · jitter 3 ms · loss 0.0% · ↑32 ↓31 kbit/s · opus} */
    public static String statsText(CallStats s) {
        StringBuilder b = new StringBuilder();
        b.append("rtt ").append(ms(s.roundTripTime())).append(" · jitter ").append(ms(s.jitter()))
                .append(String.format(Locale.ROOT, " · loss %.1f%%", s.lossFraction() * 100))
                .append(" · ↑").append(s.sendBitrateBps() / 1000).append(" ↓").append(s.recvBitrateBps() / 1000).append(" kbit/s");
        if (s.codec() != null && !s.codec().isEmpty()) b.append(" · ").append(s.codec().replace("audio/", ""));
        return b.toString();
    }

    private static String ms(Duration d) {
        return d == null ? "–" : Math.round(d.toNanos() / 1e6) + " ms";
    }

    /** One line about how the call ended, for people. */
    public static String endText(CallRecord r, String label) {
        return switch (r.reason()) {
            case COMPLETED -> "call with " + label + " ended after " + LocalFiles.clock(r.duration())
                    + (r.endedLocally() ? " (you hung up)" : " (" + label + " hung up)");
            case DECLINED -> r.endedLocally() ? "you declined the call from " + label : label + " declined the call";
            case BUSY -> label + " is busy in another call";
            case NO_ANSWER -> r.missed() ? "missed call from " + label : label + " did not answer";
            case CANCELLED -> r.missed() ? "missed call from " + label + " (they gave up)" : "call to " + label + " cancelled";
            case CONNECTION_LOST -> "the call with " + label + " dropped after " + LocalFiles.clock(r.duration()) + ": connection lost";
            case FAILED -> "the call with " + label + " failed: its audio could not start or the call could not be set up";
        };
    }

    /** 0 for a completed call; otherwise a {@link CliException} with the matching code and a line saying what to do. */
    static int exitCode(CallRecord r, String label) {
        String text = endText(r, label);
        return switch (r.reason()) {
            case COMPLETED -> ExitCodes.OK;
            case DECLINED -> throw new CliException(ExitCodes.REJECTED, text);
            case BUSY -> throw new CliException(ExitCodes.BUSY, text + ": try again later");
            case NO_ANSWER, CANCELLED -> throw new CliException(ExitCodes.PEER_UNREACHABLE, text + ": try again later");
            case CONNECTION_LOST -> throw new CliException(ExitCodes.CALL_FAILED, text + ": check the network and call again");
            case FAILED -> throw new CliException(ExitCodes.CALL_FAILED, text + "; run with --verbose and see the profile's parley.log");
        };
    }
}
