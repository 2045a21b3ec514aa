package dev.parley.client.internal.transfer;

import dev.parley.client.internal.rtc.CloseReason;
import dev.parley.client.internal.rtc.PeerSession;
import dev.parley.client.internal.session.PeerFeature;
import dev.parley.client.internal.session.SessionLink;
import dev.parley.protocol.PeerId;

import java.util.concurrent.CountDownLatch;

/** A {@link SessionLink} for one feature, with latches a test can wait on for the link going up and away. */
final class LinkAdapter extends SessionLink {
    final CountDownLatch linkUp = new CountDownLatch(1);
    final CountDownLatch linkDown = new CountDownLatch(1);

    LinkAdapter(PeerId remote, PeerFeature feature) {
        super(remote, feature);
    }

    @Override
    public void onChannelOpen(PeerSession s, String label) {
        super.onChannelOpen(s, label);
        if (PeerSession.CHAT.equals(label)) linkUp.countDown();
    }

    @Override
    public void onClosed(PeerSession s, CloseReason reason) {
        super.onClosed(s, reason);
        linkDown.countDown();
    }
}
