package dev.parley.client.internal.call;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.client.internal.rtc.CloseReason;
import dev.parley.client.internal.rtc.DescriptionVerifier;
import dev.parley.client.internal.rtc.PeerSession;
import dev.parley.client.internal.rtc.PeerSessionListener;
import dev.parley.client.internal.rtc.RtcConfig;
import dev.parley.client.internal.rtc.RtcRuntime;
import dev.parley.client.internal.session.PeerAudio;
import dev.parley.client.internal.session.PeerFeature;
import dev.parley.client.internal.session.PeerLink;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.peer.PeerMessage;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One app instance in a test: its own {@link RtcRuntime} and a {@link PeerFeature} fed by the
 * session→feature plumbing the coordinator's session layer provides (chat-channel JSON →
 * {@link PeerFeature#onControl}, on the session thread).
 */
final class Party implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final ObjectMapper JSON = new ObjectMapper();

    final PeerId id;
    final RtcRuntime runtime;
    volatile PeerFeature feature = new PeerFeature() { };
    private final List<LoopSignaling> pipes = new ArrayList<>();

    Party(char letter, RtcConfig config) {
        this(letter, RtcRuntime.create(config));
    }

    Party(char letter, RtcRuntime runtime) {
        this.id = new PeerId(String.valueOf(letter).repeat(PeerId.LENGTH));
        this.runtime = runtime;
    }

    /** A verified session between x and y (x dials); returns [x's link, y's link] once both are up. */
    static Link[] connect(Party x, Party y) throws InterruptedException {
        LoopSignaling xy = new LoopSignaling(x.id.shortForm() + "-" + y.id.shortForm());
        LoopSignaling yx = new LoopSignaling(y.id.shortForm() + "-" + x.id.shortForm());
        x.pipes.add(xy);
        y.pipes.add(yx);
        Link lx = new Link(x, y.id);
        Link ly = new Link(y, x.id);
        lx.session = x.runtime.newSession(x.id.value(), y.id.value(), xy, DescriptionVerifier.ACCEPT_ALL, lx);
        ly.session = y.runtime.newSession(y.id.value(), x.id.value(), yx, DescriptionVerifier.ACCEPT_ALL, ly);
        xy.connectTo(ly.session);
        yx.connectTo(lx.session);
        lx.session.dial();
        assertThat(lx.up.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("link up at " + x.id.shortForm()).isTrue();
        assertThat(ly.up.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("link up at " + y.id.shortForm()).isTrue();
        return new Link[] {lx, ly};
    }

    @Override
    public void close() throws Exception {
        for (LoopSignaling p : pipes) {
            p.shutdown();
        }
        runtime.close();
    }

    /** One side of one session: listener of the session and the {@link PeerLink} a feature sees. */
    static final class Link implements PeerSessionListener, PeerLink {
        final Party owner;
        final PeerId remote;
        volatile PeerSession session;
        final CountDownLatch up = new CountDownLatch(1);
        final CountDownLatch closed = new CountDownLatch(1);

        Link(Party owner, PeerId remote) {
            this.owner = owner;
            this.remote = remote;
        }

        PeerAudio audio0() {
            return audio().orElseThrow();
        }

        @Override
        public void onChannelOpen(PeerSession s, String label) {
            if (PeerSession.CHAT.equals(label)) {
                owner.feature.onLinkUp(this);
                up.countDown();
            }
        }

        @Override
        public void onMessage(PeerSession s, String label, byte[] data, boolean binary) {
            if (PeerSession.CHAT.equals(label) && !binary) {
                try {
                    owner.feature.onControl(remote,
                            JSON.readValue(new String(data, StandardCharsets.UTF_8), PeerMessage.class));
                } catch (Exception e) {
                    throw new IllegalStateException("bad control message", e);
                }
            }
        }

        @Override
        public void onClosed(PeerSession s, CloseReason reason) {
            owner.feature.onLinkDown(remote);
            closed.countDown();
        }

        @Override
        public PeerId peer() {
            return remote;
        }

        @Override
        public boolean sendControl(PeerMessage message) {
            try {
                return session.sendText(PeerSession.CHAT, JSON.writeValueAsString(message));
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
            return session.send(label, data);
        }

        @Override
        public long bufferedAmount(String label) {
            return session.getBufferedAmount(label);
        }

        @Override
        public Optional<PeerAudio> audio() {
            return Optional.of(PeerAudio.of(session));
        }
    }
}
