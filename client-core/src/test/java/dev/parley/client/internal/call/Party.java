package dev.parley.client.internal.call;

import dev.parley.client.internal.rtc.SignalingPipe;
import dev.parley.client.internal.rtc.CloseReason;
import dev.parley.client.internal.rtc.DescriptionVerifier;
import dev.parley.client.internal.rtc.PeerSession;
import dev.parley.client.internal.rtc.RtcConfig;
import dev.parley.client.internal.rtc.RtcRuntime;
import dev.parley.client.internal.audio.PeerAudio;
import dev.parley.client.internal.session.PeerFeature;
import dev.parley.client.internal.session.PeerLink;
import dev.parley.client.internal.session.SessionLink;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.peer.PeerMessage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One app instance in a test: its own {@link RtcRuntime} and a {@link PeerFeature} fed through
 * {@link SessionLink}, the same session→feature plumbing the client uses.
 */
final class Party implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);

    final PeerId id;
    final RtcRuntime runtime;
    volatile PeerFeature feature = new PeerFeature() { };
    private final List<SignalingPipe> pipes = new ArrayList<>();

    Party(char letter, RtcConfig config) {
        this(letter, RtcRuntime.create(config));
    }

    Party(char letter, RtcRuntime runtime) {
        this.id = new PeerId(String.valueOf(letter).repeat(PeerId.LENGTH));
        this.runtime = runtime;
    }

    /** A verified session between x and y (x dials); returns [x's link, y's link] once both are up. */
    static Link[] connect(Party x, Party y) throws InterruptedException {
        SignalingPipe xy = new SignalingPipe(x.id.shortForm() + "-" + y.id.shortForm());
        SignalingPipe yx = new SignalingPipe(y.id.shortForm() + "-" + x.id.shortForm());
        x.pipes.add(xy);
        y.pipes.add(yx);
        Link lx = new Link(x, y.id);
        Link ly = new Link(y, x.id);
        lx.bind(x.runtime.newSession(x.id.value(), y.id.value(), xy, DescriptionVerifier.ACCEPT_ALL, lx));
        ly.bind(y.runtime.newSession(y.id.value(), x.id.value(), yx, DescriptionVerifier.ACCEPT_ALL, ly));
        xy.connectTo(ly.session());
        yx.connectTo(lx.session());
        lx.session().dial();
        assertThat(lx.up.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("link up at " + x.id.shortForm()).isTrue();
        assertThat(ly.up.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("link up at " + y.id.shortForm()).isTrue();
        return new Link[] {lx, ly};
    }

    @Override
    public void close() throws Exception {
        for (SignalingPipe p : pipes) {
            p.shutdown();
        }
        runtime.close();
    }

    /** One side of one session: the {@link SessionLink} a feature sees, with latches, feeding the party's current feature. */
    static final class Link extends SessionLink {
        final CountDownLatch up = new CountDownLatch(1);
        final CountDownLatch closed = new CountDownLatch(1);

        Link(Party owner, PeerId remote) {
            super(remote, new CurrentFeature(owner));
        }

        PeerAudio audio0() {
            return audio().orElseThrow();
        }

        @Override
        public void onChannelOpen(PeerSession s, String label) {
            super.onChannelOpen(s, label);
            if (PeerSession.CHAT.equals(label)) up.countDown();
        }

        @Override
        public void onClosed(PeerSession s, CloseReason reason) {
            super.onClosed(s, reason);
            closed.countDown();
        }
    }

    /** Forwards to whatever feature the party has when the event comes (tests set it after connecting). */
    private record CurrentFeature(Party owner) implements PeerFeature {
        @Override
        public void onLinkUp(PeerLink link) {
            owner.feature.onLinkUp(link);
        }

        @Override
        public void onLinkDown(PeerId peer) {
            owner.feature.onLinkDown(peer);
        }

        @Override
        public void onControl(PeerId peer, PeerMessage message) {
            owner.feature.onControl(peer, message);
        }
    }
}
