package dev.parley.cli;

import dev.parley.client.CallEndReason;
import dev.parley.client.CallId;
import dev.parley.client.GroupId;
import dev.parley.client.Parley;

import java.io.PrintWriter;

/**
 * What {@code parley call} and {@code parley answer} share: the profile's client opened with real
 * audio devices unless a WAV is played or recorded, a shutdown hook that hangs up the live call on
 * Ctrl-C, the "online" line, and how call statistics and the end of the call are shown.
 */
final class CallSession implements AutoCloseable {
    final Profile profile;
    final EventRecorder events = new EventRecorder();
    final Parley client;
    final PrintWriter out;
    final PrintWriter err;
    final boolean json;
    private final Thread hook;
    private volatile CallId live;
    /** The group whose call this command is in: left on Ctrl-C or any exit (a daemon would stay in it otherwise). */
    private volatile GroupId liveGroup;
    private boolean statsShown;

    CallSession(SharedOptions.Context context, SharedOptions.Audio audio, boolean json, String name) {
        audio.check();
        boolean devices = audio.devices();
        this.profile = context.profile();
        this.out = context.out();
        this.err = context.err();
        this.json = json;
        this.client = profile.open(events, b -> {
            if (devices) b.audioDevices(null, null);
        });
        this.hook = new Thread(this::hangUpAndClose, "parley-" + name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            if (devices) CallSupport.requireDevices(client);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Logs in and prints the {@code online} event in JSON mode. */
    void goOnline() throws InterruptedException {
        Online.start(client, profile, events, e -> { });
        if (json) out.println(Json.object().put("event", "online").put("peerId", client.peerId().value()).put("server", profile.server().toString()));
    }

    /** The call Ctrl-C must hang up. */
    void live(CallId id) {
        live = id;
    }

    /** The group call Ctrl-C (or the command ending any way) must leave; null once left. */
    void liveGroup(GroupId group) {
        liveGroup = group;
    }

    /** Shows the statistics of call {@code id}; false if {@code e} is not about them. */
    boolean showStats(EventRecorder.Event e, CallId id) {
        if (!(e instanceof EventRecorder.CallStatsEvent s) || !s.stats().callId().equals(id)) return false;
        if (json) {
            out.println(CallSupport.statsJson(s.stats()));
        } else if (System.console() != null) {
            err.print("\r" + CallSupport.statsText(s.stats()) + "   ");
            statsShown = true;
        }
        return true;
    }

    /** If {@code e} ends call {@code id}: shows how, and returns the command's exit code; else null. */
    Integer ended(EventRecorder.Event e, CallId id, String label, String name, String completedSuffix) {
        if (!(e instanceof EventRecorder.CallEnded end) || !end.record().callId().equals(id)) return null;
        live = null;
        if (statsShown) err.println();
        err.flush();
        if (json) out.println(CallSupport.endedJson(end.record(), name));
        else if (end.record().reason() == CallEndReason.COMPLETED) out.println(CallSupport.endText(end.record(), label) + completedSuffix + ".");
        out.flush();
        return CallSupport.exitCode(end.record(), label);
    }

    void flush() {
        out.flush();
        err.flush();
    }

    private void hangUpAndClose() {
        CallId id = live;
        GroupId group = liveGroup;
        liveGroup = null;
        if (id != null) client.hangUp(id);
        try {
            if (group != null) client.leaveGroupCall(group); // a no-op when not in it
        } catch (RuntimeException e) {
            // the client or the daemon is gone already: nothing left to leave
        }
        client.close();
    }

    @Override
    public void close() {
        hangUpAndClose();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or ran
        }
    }
}
