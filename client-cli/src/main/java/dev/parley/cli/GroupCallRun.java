package dev.parley.cli;

import dev.parley.client.CallId;
import dev.parley.client.GroupCallInfo;
import dev.parley.client.GroupInfo;
import dev.parley.client.Parley;
import dev.parley.client.PeerId;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code parley call --group G} and {@code parley answer --group G}: start or join the group's call
 * (answer: wait for one to begin, then join it), show who joins and leaves, leave after
 * {@code --duration} or once every other participant has left, and exit 0 after a call this member was
 * in. In process or through the profile's daemon alike (docs/cli.md § Group calls).
 */
final class GroupCallRun {
    private GroupCallRun() {}

    /**
     * @param waitForCall answer: join only once a call begins (or is heard of); call: start or join at once
     * @param talk        leave this long after joining; null: when the others have all left, or Ctrl-C
     */
    static int run(SharedOptions.Context context, SharedOptions.Audio audio, String groupQuery, boolean waitForCall,
                   Duration talk, Integer timeoutSeconds, boolean json) throws InterruptedException {
        String name = waitForCall ? "answer" : "call";
        try (CallSession session = new CallSession(context, audio, json, name)) {
            Parley client = session.client; // in process, or through the profile's daemon (which plays and records the WAVs)
            PrintWriter out = session.out;
            PrintWriter err = session.err;
            GroupInfo g = Groups.resolve(client, groupQuery);
            PeerId me = client.peerId();
            session.goOnline();
            CallId id = null;
            session.liveGroup(g.id()); // from here on, any exit leaves the group's call (if this member is in it)
            if (!waitForCall) {
                id = join(client, g, audio, false);
                if (!json) err.println("In the call of " + g.name() + (talk == null ? "; Ctrl-C leaves." : "; leaving in " + LocalFiles.clock(talk) + "."));
            } else if (client.groupCall(g.id()).isPresent()) {
                // A call runs already (a daemon knew of it before this command connected): join it now.
                id = join(client, g, audio, true);
                if (!json) err.println("Joined the running call of " + g.name() + (talk == null ? "; Ctrl-C leaves." : "; leaving in " + LocalFiles.clock(talk) + "."));
            } else if (!json) {
                err.println("Waiting for a call in " + g.name() + (timeoutSeconds == null ? " until Ctrl-C" : " for " + timeoutSeconds + " s") + ".");
            }
            session.flush();
            long deadline = timeoutSeconds == null ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            long leaveAt = Long.MAX_VALUE;
            long joinedAt = 0;
            boolean joined = false, leaving = false;
            Set<PeerId> others = new HashSet<>();
            boolean hadCompany = false;
            while (true) {
                long wake = Math.min(leaveAt, id == null ? deadline : Long.MAX_VALUE);
                EventRecorder.Event e = events(session).next(wake == Long.MAX_VALUE ? System.nanoTime() + TimeUnit.MINUTES.toNanos(10) : wake);
                if (e == null) {
                    long now = System.nanoTime();
                    if (id == null && deadline != Long.MAX_VALUE && now - deadline >= 0) {
                        throw new CliException(ExitCodes.PEER_UNREACHABLE, "no call began in " + g.name() + " within " + timeoutSeconds
                                + " s: wait longer with a bigger --timeout; members start one with 'parley call --group' or /call in chat");
                    }
                    if (leaveAt != Long.MAX_VALUE && now - leaveAt >= 0) {
                        leaveAt = Long.MAX_VALUE;
                        leaving = true;
                        client.leaveGroupCall(g.id());
                    }
                    continue;
                }
                if (e instanceof EventRecorder.GroupCallStarted s && s.group().equals(g.id())) {
                    if (json) out.println(Json.object().put("event", "call-started").put("group", g.id().value()).put("groupName", g.name())
                            .put("callId", s.call().toString()).put("by", s.by().value()).put("name", Groups.label(client, s.by())));
                    else if (!s.by().equals(me)) err.println(Groups.label(client, s.by()) + " started a call in " + g.name() + (waitForCall && id == null ? "; joining." : "."));
                    if (waitForCall && id == null) id = join(client, g, audio, true);
                } else if (e instanceof EventRecorder.GroupCallJoined j && j.group().equals(g.id())) {
                    boolean self = j.participant().equals(me);
                    if (json) out.println(participant("participant-joined", client, g, j.call(), j.participant(), self));
                    else if (!self) err.println(Groups.label(client, j.participant()) + " joined the call.");
                    if (self) {
                        id = j.call();
                        if (!joined) {
                            joined = true;
                            joinedAt = System.nanoTime();
                            if (talk != null) leaveAt = joinedAt + talk.toNanos();
                        }
                    } else {
                        others.add(j.participant());
                    }
                    if (joined && !others.isEmpty()) hadCompany = true;
                } else if (e instanceof EventRecorder.GroupCallLeft l && l.group().equals(g.id())) {
                    boolean self = l.participant().equals(me);
                    if (json) out.println(participant("participant-left", client, g, l.call(), l.participant(), self).put("reason", l.reason()));
                    else if (!self) err.println(Groups.label(client, l.participant()) + " left the call"
                            + ("left".equals(l.reason()) ? "." : " (" + l.reason() + ")."));
                    if (self) {
                        switch (l.reason()) {
                            case "superseded" -> { continue; } // the call merged into another one started at the same time: we join that
                            case "full" -> throw new CliException(ExitCodes.BUSY, "the call in " + g.name() + " is full ("
                                    + GroupCallInfo.MAX_PARTICIPANTS + " participants): try again when someone leaves");
                            default -> {
                                long ms = joined ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - joinedAt) : 0;
                                if (json) out.println(Json.object().put("event", "ended").put("group", g.id().value()).put("groupName", g.name())
                                        .put("callId", l.call().toString()).put("reason", leaving ? "left" : l.reason()).put("durationMs", ms));
                                else out.println("left the call of " + g.name() + " after " + LocalFiles.clock(Duration.ofMillis(ms))
                                        + (audio.record != null ? "; recorded to " + audio.record.toAbsolutePath() : "") + ".");
                                out.flush();
                                return ExitCodes.OK;
                            }
                        }
                    }
                    others.remove(l.participant());
                    if (joined && talk == null && hadCompany && others.isEmpty() && !leaving) {
                        leaving = true; // everyone else left: as when the other side hangs up a 1:1 call
                        client.leaveGroupCall(g.id());
                    }
                } else if (e instanceof EventRecorder.GroupCallMuted m && m.group().equals(g.id())) {
                    boolean self = m.participant().equals(me);
                    if (json) out.println(participant("participant-muted", client, g, m.call(), m.participant(), self).put("muted", m.muted()));
                    else if (!self) err.println(Groups.label(client, m.participant()) + (m.muted() ? " muted." : " unmuted."));
                } else if (e instanceof EventRecorder.GroupCallReconnecting r && r.group().equals(g.id())) {
                    if (json) {
                        out.println(participant("participant-reconnecting", client, g, r.call(), r.participant(), false)
                                .put("reconnecting", r.reconnecting()));
                    } else {
                        err.println(Groups.label(client, r.participant()) + (r.reconnecting() ? " is reconnecting…" : " is back."));
                    }
                } else if (e instanceof EventRecorder.GroupCallSpeaker s && s.group().equals(g.id())) {
                    if (json) out.println(Json.object().put("event", "speaker").put("group", g.id().value()).put("groupName", g.name())
                            .put("callId", s.call().toString()).put("peer", s.speaker() == null ? null : s.speaker().value())
                            .put("name", s.speaker() == null ? null : Groups.label(client, s.speaker()))
                            .put("levelDbfs", Double.isInfinite(s.levelDbfs()) ? null : Math.round(s.levelDbfs() * 10) / 10.0));
                    else if (s.speaker() != null && System.console() != null) err.println("speaking: " + Groups.label(client, s.speaker()));
                } else if (e instanceof EventRecorder.GroupCallStats s && s.group().equals(g.id())) {
                    if (json) out.println(CallSupport.statsJson(s.stats()).put("event", "stats").put("group", g.id().value())
                            .put("groupName", g.name()).put("peer", s.participant().value()).put("name", Groups.label(client, s.participant())));
                } else if (e instanceof EventRecorder.GroupMemberChanged m && m.group().equals(g.id()) && m.member().equals(me)
                        && m.change() != dev.parley.client.GroupMember.Change.ADDED) {
                    throw new CliException(ExitCodes.GROUP, "you are no longer a member of " + g.name());
                }
                session.flush();
            }
        }
    }

    private static EventRecorder events(CallSession session) {
        return session.events;
    }

    /** Starts or joins (answer: joins) the group's call; exit codes as 1:1 calls for busy, files and refusals. */
    private static CallId join(Parley client, GroupInfo g, SharedOptions.Audio audio, boolean joinOnly) {
        try {
            return joinOnly ? client.joinGroupCall(g.id(), audio.media()) : client.startGroupCall(g.id(), audio.media());
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.FILE, e.getMessage() + ": use a 16-bit PCM WAV file");
        } catch (IllegalStateException e) {
            String why = String.valueOf(e.getMessage());
            if (why.contains("full") || why.contains("another call") || why.contains("busy")) {
                throw new CliException(ExitCodes.BUSY, "cannot join the call in " + g.name() + ": " + why + "; try again later");
            }
            throw new CliException(ExitCodes.CALL_FAILED, "cannot join the call in " + g.name() + ": " + why);
        }
    }

    private static Json participant(String event, Parley client, GroupInfo g, CallId call, PeerId peer, boolean self) {
        return Json.object().put("event", event).put("group", g.id().value()).put("groupName", g.name()).put("callId", call.toString())
                .put("peer", peer.value()).put("name", Groups.label(client, peer)).put("you", self);
    }
}
