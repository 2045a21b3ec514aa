package dev.parley.client.internal.session;

import dev.parley.client.internal.audio.PeerAudio;
import dev.parley.client.internal.rtc.CloseReason;
import dev.parley.client.internal.rtc.PeerSession;
import dev.parley.client.internal.rtc.PeerSessionListener;
import dev.parley.client.internal.rtc.SessionState;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.codec.WireCodec;
import dev.parley.protocol.codec.WireException;
import dev.parley.protocol.peer.PeerMessage;
import lombok.extern.slf4j.Slf4j;

import java.util.Objects;
import java.util.Optional;

/**
 * One {@link PeerSession} as the {@link PeerLink} a feature sees, and its listener events turned into
 * {@link PeerFeature} calls: the link is up while the {@code chat} channel is open, chat-channel text
 * is decoded as {@link PeerMessage} JSON (unknown types ignored, as the protocol says; anything binary,
 * oversized or unreadable closes the session), other channels pass through. Listener methods run on
 * the session's thread; link methods are safe from any thread and return false once the link is down.
 * {@link SessionManager} extends it with signing and redialing; tests and benchmarks use it bare.
 */
@Slf4j
public class SessionLink implements PeerLink, PeerSessionListener {
    /** The shared codec: unknown peer-message types and fields ignored, as docs/protocol.md asks. */
    static final WireCodec CODEC = WireCodec.standard();

    private final PeerId peer;
    private final PeerFeature feature;
    private volatile PeerSession session;
    private volatile boolean up;
    /** Session thread only: whether {@link PeerFeature#onLinkInterrupted} last said the path is down. */
    private boolean interrupted;

    public SessionLink(PeerId peer, PeerFeature feature) {
        this.peer = Objects.requireNonNull(peer, "peer");
        this.feature = Objects.requireNonNull(feature, "feature");
    }

    /** The session this link wraps; call once, before the session can report anything. */
    public void bind(PeerSession session) {
        this.session = Objects.requireNonNull(session, "session");
    }

    public PeerSession session() {
        return session;
    }

    /** True while the chat channel is open. */
    public boolean isUp() {
        return up;
    }

    // ------------------------------------------------------------------ PeerLink (any thread)

    @Override
    public PeerId peer() {
        return peer;
    }

    @Override
    public boolean sendControl(PeerMessage message) {
        if (!up) return false;
        return session.sendText(PeerSession.CHAT, CODEC.encodePeer(message));
    }

    @Override
    public void openChannel(String label, boolean ordered) {
        session.openChannel(label, ordered);
    }

    @Override
    public void closeChannel(String label) {
        session.closeChannel(label);
    }

    @Override
    public boolean sendBinary(String label, byte[] data) {
        return up && session.send(label, data);
    }

    @Override
    public long bufferedAmount(String label) {
        return up ? session.getBufferedAmount(label) : -1;
    }

    @Override
    public Optional<PeerAudio> audio() {
        return Optional.of(session.audio());
    }

    // ------------------------------------------------------------------ PeerSessionListener (session thread)

    @Override
    public void onStateChange(PeerSession s, SessionState state) {
        boolean broken = state == SessionState.DISCONNECTED || state == SessionState.FAILED;
        if (!up || (state != SessionState.CONNECTED && !broken) || broken == interrupted) return;
        interrupted = broken;
        feature.onLinkInterrupted(peer, broken);
    }

    @Override
    public void onChannelOpen(PeerSession s, String label) {
        if (PeerSession.CHAT.equals(label)) {
            up = true;
            feature.onLinkUp(this);
        } else {
            feature.onChannelOpen(peer, label);
        }
    }

    @Override
    public void onChannelClosed(PeerSession s, String label) {
        if (PeerSession.CHAT.equals(label)) {
            linkDown();
        } else {
            feature.onChannelClosed(peer, label);
        }
    }

    @Override
    public void onMessage(PeerSession s, String label, byte[] data, boolean binary) {
        if (!PeerSession.CHAT.equals(label)) {
            feature.onChannelMessage(peer, label, data, binary);
            return;
        }
        if (binary || data.length > PeerMessage.MAX_MESSAGE_BYTES) {
            log.warn("closing the session with {}: invalid chat-channel message ({} bytes, binary={})", peer.shortForm(), data.length, binary);
            s.close();
            return;
        }
        PeerMessage m;
        try {
            m = CODEC.decodePeer(data);
        } catch (WireException e) {
            log.warn("closing the session with {}: unreadable chat-channel message: {}", peer.shortForm(), e.getMessage());
            s.close();
            return;
        }
        if (m != null) feature.onControl(peer, m); // null: a newer peer's message type
    }

    @Override
    public void onClosed(PeerSession s, CloseReason reason) {
        linkDown();
    }

    private void linkDown() {
        if (up) {
            up = false;
            interrupted = false;
            feature.onLinkDown(peer);
        }
    }
}
