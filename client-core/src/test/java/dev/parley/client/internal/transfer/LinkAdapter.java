package dev.parley.client.internal.transfer;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.client.internal.rtc.CloseReason;
import dev.parley.client.internal.rtc.PeerSession;
import dev.parley.client.internal.rtc.PeerSessionListener;
import dev.parley.client.internal.session.PeerFeature;
import dev.parley.client.internal.session.PeerLink;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.peer.PeerMessage;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * Test-only stand-in for the session manager being written on main: turns one {@link PeerSession}'s
 * listener events into {@link PeerFeature} calls and offers the session as a {@link PeerLink}.
 * Chat-channel text is decoded as {@link PeerMessage} JSON; anything else on chat is ignored.
 */
final class LinkAdapter implements PeerSessionListener, PeerLink {
    static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final PeerId remote;
    private final PeerFeature feature;
    private volatile PeerSession session;
    private volatile boolean up;
    final CountDownLatch linkUp = new CountDownLatch(1);
    final CountDownLatch linkDown = new CountDownLatch(1);

    LinkAdapter(PeerId remote, PeerFeature feature) {
        this.remote = remote;
        this.feature = feature;
    }

    void bind(PeerSession session) {
        this.session = session;
    }

    @Override
    public PeerId peer() {
        return remote;
    }

    @Override
    public boolean sendControl(PeerMessage message) {
        try {
            return up && session.sendText(PeerSession.CHAT, JSON.writeValueAsString(message));
        } catch (Exception e) {
            return false;
        }
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
    public void onChannelOpen(PeerSession s, String label) {
        if (PeerSession.CHAT.equals(label)) {
            up = true;
            feature.onLinkUp(this);
            linkUp.countDown();
        } else {
            feature.onChannelOpen(remote, label);
        }
    }

    @Override
    public void onChannelClosed(PeerSession s, String label) {
        if (!PeerSession.CHAT.equals(label)) {
            feature.onChannelClosed(remote, label);
        }
    }

    @Override
    public void onMessage(PeerSession s, String label, byte[] data, boolean binary) {
        if (PeerSession.CHAT.equals(label)) {
            if (binary) {
                return;
            }
            PeerMessage m;
            try {
                m = JSON.readValue(new String(data, StandardCharsets.UTF_8), PeerMessage.class);
            } catch (Exception e) {
                return; // unknown type: ignored, as the protocol says
            }
            feature.onControl(remote, m);
        } else {
            feature.onChannelMessage(remote, label, data, binary);
        }
    }

    @Override
    public void onClosed(PeerSession s, CloseReason reason) {
        if (up) {
            up = false;
            feature.onLinkDown(remote);
        }
        linkDown.countDown();
    }
}
