package dev.parley.client.internal.rtc;

import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelInit;
import dev.onvoid.webrtc.RTCPeerConnection;
import lombok.extern.slf4j.Slf4j;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A session's {@link DataChannel}s, one per label: the pre-negotiated {@code chat} channel (stream id 0)
 * and further in-band ones ({@code file:<id>}). Changes run on the session loop; lookups from any thread.
 * Only a registered channel's events reach the listener, so a rejected duplicate stays silent.
 */
@Slf4j
final class DataChannels implements DataChannel.Events {

    /** The chat channel is pre-negotiated with this stream id on both sides (RFC 8832 §6). */
    static final int CHAT_STREAM_ID = 0;

    private final SessionLoop loop;
    private final RTCPeerConnection pc;
    private final Consumer<CloseReason> closer;
    /** Written on the loop, read by senders. */
    private final Map<String, DataChannel> byLabel = new ConcurrentHashMap<>();

    DataChannels(SessionLoop loop, RTCPeerConnection pc, Consumer<CloseReason> closer) {
        this.loop = loop;
        this.pc = pc;
        this.closer = closer;
    }

    /** The open (or opening) channel with this label, or null. Any thread. */
    DataChannel get(String label) {
        return byLabel.get(label);
    }

    /** On the loop: creates the chat channel once (on dial, or before answering the first offer). */
    void ensureChat() {
        if (byLabel.containsKey(PeerSession.CHAT) || loop.closing()) {
            return;
        }
        // Negotiated with a fixed id (RFC 8832 §6, W3C webrtc-pc §6.2 "negotiated"): both sides
        // create the same channel themselves, so glare can never yield two chat channels, and no
        // DCEP round trip is needed. The first SCTP channel fires negotiationneeded on the dialer.
        RTCDataChannelInit init = new RTCDataChannelInit();
        init.ordered = true;
        init.negotiated = true;
        init.id = CHAT_STREAM_ID;
        attach(pc.createDataChannel(PeerSession.CHAT, init));
    }

    /** On the loop: opens a further channel in-band (RFC 8832 DCEP). Labels are unique per session. */
    void open(String label, boolean ordered) {
        if (loop.closing() || byLabel.containsKey(label)) {
            log.warn("channel {} to {} not opened: {}", label, loop.remotePeerId(),
                    loop.closing() ? "session closed" : "label in use");
            return;
        }
        RTCDataChannelInit init = new RTCDataChannelInit();
        init.ordered = ordered;
        try {
            attach(pc.createDataChannel(label, init));
        } catch (RuntimeException e) {
            // A refused channel must not take the chat down with it.
            log.warn("could not open channel {} to {}", label, loop.remotePeerId(), e);
            loop.emit((l, s) -> l.onChannelClosed(s, label));
        }
    }

    /** On the loop: closes one channel; its closed event follows. */
    void close(String label) {
        DataChannel ch = byLabel.get(label);
        if (ch != null && !loop.closing()) {
            ch.close();
        }
    }

    private void attach(RTCDataChannel dc) {
        DataChannel ch = DataChannel.wrap(loop, dc, this);
        byLabel.put(ch.label(), ch);
        ch.reportIfOpen();
    }

    /** On the factory's signaling thread: the peer opened a channel in-band (never the negotiated chat). */
    void onRemoteChannel(RTCDataChannel dc) {
        // Wrap now, on this thread, so no message can slip past before the hand-off.
        DataChannel ch = DataChannel.wrap(loop, dc, this);
        loop.post("remote channel " + ch.label(), () -> {
            if (loop.closing()) {
                return;
            }
            if (byLabel.putIfAbsent(ch.label(), ch) != null) {
                log.warn("peer {} opened a second channel labelled {}; closing it", loop.remotePeerId(), ch.label());
                ch.close();
                return;
            }
            ch.reportIfOpen();
        });
    }

    private boolean registered(DataChannel ch) {
        return byLabel.get(ch.label()) == ch;
    }

    @Override
    public void opened(DataChannel ch) {
        if (registered(ch)) {
            loop.emit((l, s) -> l.onChannelOpen(s, ch.label()));
        }
    }

    @Override
    public void closed(DataChannel ch) {
        if (!registered(ch)) {
            return;
        }
        byLabel.remove(ch.label()); // the label may be reused
        loop.emit((l, s) -> l.onChannelClosed(s, ch.label()));
        if (PeerSession.CHAT.equals(ch.label())) {
            // The peer hung up (or its process died and SCTP noticed): a closed chat channel is our
            // hang-up signal, since the PC state lags by seconds (shared notes §5).
            closer.accept(new CloseReason(CloseReason.Kind.REMOTE_CLOSED, "chat channel closed by peer"));
        }
    }

    @Override
    public void message(DataChannel ch, byte[] data, boolean binary) {
        if (registered(ch)) {
            loop.emit((l, s) -> l.onMessage(s, ch.label(), data, binary));
        }
    }
}
