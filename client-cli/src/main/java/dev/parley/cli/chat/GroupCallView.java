package dev.parley.cli.chat;

import dev.parley.client.CallId;
import dev.parley.client.GroupCallInfo;
import dev.parley.client.GroupId;
import dev.parley.client.GroupInfo;
import dev.parley.client.Parley;
import dev.parley.client.PeerId;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Group calls in the chat screen: the call half of {@code /call /join /leave /mute /hangup} while a group
 * is open (or this member is in a group's call), notices when calls start and people come and go, and
 * a status line with the participants, the one speaking marked. Each method that takes a command
 * returns false when the command is not about a group call, so the 1:1 or group meaning applies.
 *
 * <p>Threads: commands on the input thread, the {@code on…} methods on the client's event thread; the
 * calls known are a concurrent map of immutable-enough snapshots, the rest volatile.
 */
final class GroupCallView {
    private final Parley client;
    private final ChatScreen screen;
    private final Supplier<GroupInfo> openGroup;
    private final Path play;
    private final Path record;

    /** A group's running call as heard from the events. */
    private static final class Known {
        final CallId call;
        final Set<PeerId> in = ConcurrentHashMap.newKeySet();
        volatile PeerId speaker;

        Known(CallId call) {
            this.call = call;
        }
    }

    private final Map<GroupId, Known> calls = new ConcurrentHashMap<>();
    /** The group whose call this member is in (null: none). */
    private volatile GroupId joined;
    private volatile boolean muted;

    GroupCallView(Parley client, ChatScreen screen, Supplier<GroupInfo> openGroup, Path play, Path record) {
        this.client = client;
        this.screen = screen;
        this.openGroup = openGroup;
        this.play = play;
        this.record = record;
    }

    // ------------------------------------------------------------------ commands (input thread)

    /** {@code /call} with a group open: starts its call or joins the running one. */
    boolean call(String args) {
        GroupInfo g = openGroup.get();
        if (g == null || !args.isBlank()) return false;
        enter(g, false);
        return true;
    }

    /** {@code /join} without a group name, with a group open: joins its running call. */
    boolean join(String args) {
        GroupInfo g = openGroup.get();
        if (g == null || !args.isBlank()) return false;
        enter(g, true);
        return true;
    }

    private void enter(GroupInfo g, boolean joinOnly) {
        GroupId in = joined;
        if (g.id().equals(in)) {
            screen.notice("you are in the call of " + g.name() + " already: /leave leaves it");
            return;
        }
        if (joinOnly && !calls.containsKey(g.id()) && client.groupCall(g.id()).isEmpty()) {
            screen.notice("no call in " + g.name() + " to join: /call starts one");
            return;
        }
        try {
            if (joinOnly) client.joinGroupCall(g.id(), CallView.media(play, record));
            else client.startGroupCall(g.id(), CallView.media(play, record));
            joined = g.id();
            muted = false;
            screen.notice("☎ you are in the call of " + g.name() + " — /mute, /leave");
        } catch (IllegalStateException | IllegalArgumentException e) {
            screen.warn("cannot join the call of " + g.name() + ": " + e.getMessage());
        }
        screen.refreshStatus();
    }

    /** {@code /leave} and {@code /hangup} while in a group call: leaves the call (not the group). */
    boolean leave() {
        GroupId g = joined;
        if (g == null) return false;
        client.leaveGroupCall(g);
        joined = null;
        muted = false;
        screen.notice("you left the call of " + name(g) + (g.equals(openId()) ? " (/leave again leaves the group)" : ""));
        screen.refreshStatus();
        return true;
    }

    /** {@code /mute} while in a group call: mutes or unmutes this member there. */
    boolean mute() {
        GroupId g = joined;
        if (g == null) return false;
        boolean now = !muted;
        client.muteGroupCall(g, now);
        muted = client.groupCall(g).map(GroupCallInfo::muted).orElse(now);
        screen.notice(muted ? "microphone muted in the call (/mute again to unmute)" : "microphone on");
        screen.refreshStatus();
        return true;
    }

    /** The screen closes: leave the call (a daemon would stay in it otherwise). */
    void quit() {
        GroupId g = joined;
        joined = null;
        if (g == null) return;
        try {
            client.leaveGroupCall(g);
        } catch (RuntimeException e) {
            // the client is going anyway
        }
    }

    // ------------------------------------------------------------------ events (client event thread)

    void onStarted(GroupId group, CallId call, PeerId by) {
        calls.put(group, new Known(call));
        if (!by.equals(client.peerId())) {
            boolean open = group.equals(openId());
            screen.print(new AttributedString("☎ " + label(by) + " started a call in " + name(group) + " — "
                    + (open ? "/join joins it" : "/group " + name(group) + ", then /join"), AttributedStyle.BOLD));
        }
        screen.refreshStatus();
    }

    void onJoined(GroupId group, CallId call, PeerId participant) {
        Known k = calls.computeIfAbsent(group, g -> new Known(call));
        if (!k.call.equals(call)) return;
        k.in.add(participant);
        if (participant.equals(client.peerId())) joined = group;
        else if (group.equals(joined) || group.equals(openId())) screen.dim("· " + label(participant) + " joined the call");
        screen.refreshStatus();
    }

    void onLeft(GroupId group, CallId call, PeerId participant, String reason) {
        Known k = calls.get(group);
        if (k == null || !k.call.equals(call)) return;
        k.in.remove(participant);
        if (participant.equals(k.speaker)) k.speaker = null;
        if (participant.equals(client.peerId())) {
            if (!"superseded".equals(reason) && group.equals(joined)) {
                joined = null;
                if (!"left".equals(reason)) screen.warn("you are out of the call of " + name(group) + " (" + reason + ")");
            }
        } else if (group.equals(joined) || group.equals(openId())) {
            screen.dim("· " + label(participant) + " left the call" + ("left".equals(reason) ? "" : " (" + reason + ")"));
        }
        screen.refreshStatus();
    }

    void onEnded(GroupId group, CallId call) {
        Known k = calls.get(group);
        if (k != null && k.call.equals(call)) calls.remove(group);
        if (group.equals(joined) && client.groupCall(group).isEmpty()) joined = null;
        screen.refreshStatus();
    }

    void onSpeaker(GroupId group, CallId call, PeerId speaker) {
        Known k = calls.get(group);
        if (k == null || !k.call.equals(call)) return;
        k.speaker = speaker;
        screen.refreshStatus();
    }

    // ------------------------------------------------------------------ drawing

    /**
     * The call of the group this member is in, else of the open group: {@code ☎ Family call · you, Bob
     * (speaking), Carol · MUTED}; null when neither has a call.
     */
    AttributedString statusLine() {
        GroupId g = joined;
        boolean in = g != null;
        if (!in) g = openId();
        Known k = g == null ? null : calls.get(g);
        if (k == null) return null;
        PeerId me = client.peerId(), speaker = k.speaker;
        List<String> who = new ArrayList<>();
        Set<PeerId> order = new LinkedHashSet<>();
        if (in) order.add(me);
        order.addAll(k.in);
        for (PeerId p : order) {
            if (p.equals(me) && !in) continue;
            who.add((p.equals(me) ? "you" : label(p)) + (p.equals(speaker) ? " (speaking)" : ""));
        }
        StringBuilder b = new StringBuilder(" ☎ ").append(name(g)).append(" call · ");
        b.append(who.isEmpty() ? "nobody yet" : String.join(", ", who));
        if (in && muted) b.append(" · MUTED");
        if (!in) b.append(" · /join joins");
        return new AttributedString(b.append(' ').toString(), AttributedStyle.INVERSE);
    }

    private GroupId openId() {
        GroupInfo g = openGroup.get();
        return g == null ? null : g.id();
    }

    private String name(GroupId group) {
        return client.group(group).map(GroupInfo::name).orElse(group.shortForm());
    }

    private String label(PeerId peer) {
        return Names.label(client, peer);
    }
}
