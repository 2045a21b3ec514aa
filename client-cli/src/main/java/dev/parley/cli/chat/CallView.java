package dev.parley.cli.chat;

import dev.parley.cli.CallSupport;
import dev.parley.cli.Contacts;
import dev.parley.cli.LocalFiles;
import dev.parley.client.CallEndReason;
import dev.parley.client.CallId;
import dev.parley.client.CallMedia;
import dev.parley.client.CallRecord;
import dev.parley.client.CallStats;
import dev.parley.client.Parley;
import dev.parley.client.PeerId;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The one call of the chat screen (dialling, ringing either way, or answered): its line in the status
 * area, the notices about it, and the commands {@code /call /answer /hangup /mute} and the call half
 * of {@code /decline}.
 *
 * <p>Threads: commands on the input thread, the {@code on…} methods on the client's event thread, the
 * end of a dial on whichever thread completes it; the call state is volatile fields.
 */
final class CallView {
    private final Parley client;
    private final ChatScreen screen;
    private final Supplier<PeerId> current;
    private final Path play;
    private final Path record;

    private volatile CallId call;
    private volatile PeerId callPeer;
    private volatile String callState; // connecting, ringing, incoming, active
    private volatile boolean dialing;
    private volatile boolean hangUpWhenDialed;
    private volatile boolean muted;
    private volatile CallStats callStats;
    private volatile Instant answeredAt;
    private volatile boolean audioNoticeShown;

    /** {@code play}/{@code record}: headless call audio (a WAV as our voice, the peer recorded); both null for the real devices. */
    CallView(Parley client, ChatScreen screen, Supplier<PeerId> current, Path play, Path record) {
        this.client = client;
        this.screen = screen;
        this.current = current;
        this.play = play;
        this.record = record;
    }

    // ------------------------------------------------------------------ commands (input thread)

    /** {@code /call [CONTACT]}: calls the open contact (or the one named). */
    void call(String args) {
        PeerId to = args.isBlank() ? current.get() : Contacts.resolve(client, Names.unquote(args)).peerId();
        if (to == null) {
            screen.notice("usage: /call CONTACT (or open a conversation first)");
            return;
        }
        if (call != null || dialing) {
            screen.notice("already in a call with " + label(callPeer) + ": /hangup first");
            return;
        }
        CallMedia media = media();
        showAudioNotice();
        dialing = true;
        hangUpWhenDialed = false;
        callPeer = to;
        callState = "connecting";
        screen.notice("calling " + label(to) + "… (/hangup to give up)");
        try {
            client.call(to, media).whenComplete((id, ex) -> {
                dialing = false;
                if (ex != null) {
                    if (call == null) {
                        callPeer = null;
                        callState = null;
                    }
                    Throwable c = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
                    screen.warn("cannot call " + label(to) + ": " + c.getMessage());
                } else if (hangUpWhenDialed) {
                    client.hangUp(id);
                }
                screen.refreshStatus();
            });
        } catch (IllegalArgumentException e) {
            dialing = false;
            callPeer = null;
            callState = null;
            screen.warn("cannot call: " + e.getMessage());
        }
        screen.refreshStatus();
    }

    void answer() {
        CallId c = call;
        if (c == null || !"incoming".equals(callState)) {
            screen.notice("no call is ringing");
            return;
        }
        try {
            client.answerCall(c, media());
        } catch (IllegalArgumentException e) {
            screen.warn("cannot answer: " + e.getMessage());
        }
    }

    /** The call half of {@code /decline}: refuses a ringing call; false if none rings. */
    boolean declineRinging() {
        CallId c = call;
        if (c == null || !"incoming".equals(callState)) return false;
        client.declineCall(c);
        return true;
    }

    void hangUp() {
        CallId c = call;
        if (c == null) {
            if (dialing) {
                hangUpWhenDialed = true;
                screen.notice("giving up the call once it rings");
            } else {
                screen.notice("no call to hang up");
            }
            return;
        }
        if ("incoming".equals(callState)) client.declineCall(c);
        else client.hangUp(c);
    }

    void mute() {
        CallId c = call;
        if (c == null || !"active".equals(callState)) {
            screen.notice("no call in progress");
            return;
        }
        client.setMuted(c, !muted);
    }

    private CallMedia media() {
        return media(play, record);
    }

    /** Headless (--play/--record) or the devices; each call (1:1 or a group's) gets its own recording file. */
    static CallMedia media(Path play, Path record) {
        Path rec = null;
        if (record != null) {
            Path base = record.toAbsolutePath();
            String stem = base.getFileName().toString().replaceFirst("\\.wav$", "");
            rec = base;
            for (int n = 2; Files.exists(rec); n++) rec = base.resolveSibling(stem + "-" + n + ".wav");
        }
        return CallSupport.media(play, rec);
    }

    private void showAudioNotice() {
        if (audioNoticeShown || play != null || record != null) return;
        audioNoticeShown = true;
        client.audioNotice().ifPresent(n -> screen.notice("audio: " + n));
    }

    // ------------------------------------------------------------------ events (client event thread)

    void onCallDialing(CallId id, PeerId peer) {
        call = id;
        callPeer = peer;
        callState = "ringing";
        screen.notice("ringing at " + label(peer) + "… (/hangup to give up)");
        screen.refreshStatus();
    }

    void onCallRinging(CallId id, PeerId peer) {
        if (call != null && !id.equals(call)) return; // the engine answers "busy" for us
        call = id;
        callPeer = peer;
        callState = "incoming";
        showAudioNotice();
        screen.print(new AttributedStringBuilder().style(AttributedStyle.BOLD).append("☎ ").style(ChatScreen.THEM).append(label(peer))
                .style(AttributedStyle.BOLD).append(" is calling — /answer or /decline").toAttributedString());
        screen.refreshStatus();
    }

    void onCallAnswered(CallId id, PeerId peer) {
        if (!id.equals(call)) return;
        callState = "active";
        answeredAt = Instant.now();
        muted = false;
        screen.notice("in a call with " + label(peer) + " — /mute, /hangup");
        screen.refreshStatus();
    }

    void onCallMuted(CallId id, boolean isMuted) {
        if (!id.equals(call)) return;
        muted = isMuted;
        screen.notice(isMuted ? "microphone muted (/mute again to unmute)" : "microphone on");
        screen.refreshStatus();
    }

    void onCallStats(CallStats stats) {
        callStats = stats;
        screen.refreshStatus();
    }

    void onCallEnded(CallRecord r) {
        if (r.callId().equals(call)) {
            call = null;
            callPeer = null;
            callState = null;
            callStats = null;
            answeredAt = null;
            muted = false;
        }
        String text = CallSupport.endText(r, label(r.peer()));
        if (r.reason() == CallEndReason.COMPLETED || r.reason() == CallEndReason.DECLINED && r.endedLocally()) screen.notice("☎ " + text);
        else screen.warn("☎ " + text);
        screen.refreshStatus();
    }

    // ------------------------------------------------------------------ drawing

    /** The call: who, how long, and its live statistics; null when there is no call. */
    AttributedString statusLine() {
        PeerId peer = callPeer;
        String state = callState;
        if (peer == null || state == null) return null;
        StringBuilder b = new StringBuilder(" ☎ ").append(label(peer)).append("  ");
        switch (state) {
            case "connecting" -> b.append("connecting…");
            case "ringing" -> b.append("ringing… (/hangup to give up)");
            case "incoming" -> b.append("is calling: /answer or /decline");
            default -> {
                Instant at = answeredAt;
                b.append(at == null ? "0:00" : LocalFiles.clock(Duration.between(at, Instant.now())));
                CallStats st = callStats;
                if (st != null) b.append(" · ").append(CallSupport.statsText(st));
                if (muted) b.append(" · MUTED");
            }
        }
        return new AttributedString(b.append(' ').toString(), AttributedStyle.INVERSE);
    }

    private String label(PeerId peer) {
        return Names.label(client, peer);
    }
}
