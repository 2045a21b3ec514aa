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
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two real peers in one JVM, each with its own {@link RtcRuntime} (as two apps would have), joined by
 * {@link LoopSignaling}, with the session→feature plumbing the coordinator's session layer provides
 * (chat-channel JSON → {@link PeerFeature#onControl}, on the session thread).
 */
final class TwoPeers implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final ObjectMapper JSON = new ObjectMapper();
    static final PeerId A_ID = new PeerId("a".repeat(32));
    static final PeerId B_ID = new PeerId("b".repeat(32));

    final RtcRuntime runtimeA;
    final RtcRuntime runtimeB;
    final Side a;
    final Side b;
    private final LoopSignaling aToB = new LoopSignaling("a2b");
    private final LoopSignaling bToA = new LoopSignaling("b2a");

    TwoPeers(RtcConfig config) {
        runtimeA = RtcRuntime.create(config);
        RtcRuntime rb;
        try {
            rb = RtcRuntime.create(config);
        } catch (RuntimeException e) {
            runtimeA.close();
            throw e;
        }
        runtimeB = rb;
        a = new Side(A_ID, B_ID);
        b = new Side(B_ID, A_ID);
        a.session = runtimeA.newSession(A_ID.value(), B_ID.value(), aToB, DescriptionVerifier.ACCEPT_ALL, a);
        b.session = runtimeB.newSession(B_ID.value(), A_ID.value(), bToA, DescriptionVerifier.ACCEPT_ALL, b);
        aToB.connectTo(b.session);
        bToA.connectTo(a.session);
    }

    TwoPeers() {
        this(RtcConfig.defaults());
    }

    /** Dial from A and wait until both links are up. */
    TwoPeers connect() throws InterruptedException {
        a.session.dial();
        assertThat(a.up.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("A link up").isTrue();
        assertThat(b.up.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("B link up").isTrue();
        return this;
    }

    @Override
    public void close() throws Exception {
        try {
            aToB.shutdown();
            bToA.shutdown();
        } finally {
            try {
                runtimeA.close();
            } finally {
                runtimeB.close();
            }
        }
    }

    /** One side: its session, its link, and the feature it feeds. */
    static final class Side implements PeerSessionListener, PeerLink {
        final PeerId self;
        final PeerId remote;
        volatile PeerSession session;
        volatile PeerFeature feature = new PeerFeature() { };
        final CountDownLatch up = new CountDownLatch(1);
        final CountDownLatch closed = new CountDownLatch(1);

        Side(PeerId self, PeerId remote) {
            this.self = self;
            this.remote = remote;
        }

        PeerAudio audio0() {
            return audio().orElseThrow();
        }

        // ---- PeerSessionListener: on the session thread, as PeerFeature requires ----
        @Override
        public void onChannelOpen(PeerSession s, String label) {
            if (PeerSession.CHAT.equals(label)) {
                feature.onLinkUp(this);
                up.countDown();
            }
        }

        @Override
        public void onMessage(PeerSession s, String label, byte[] data, boolean binary) {
            if (PeerSession.CHAT.equals(label) && !binary) {
                try {
                    feature.onControl(remote, JSON.readValue(new String(data, StandardCharsets.UTF_8), PeerMessage.class));
                } catch (Exception e) {
                    throw new IllegalStateException("bad control message", e);
                }
            }
        }

        @Override
        public void onClosed(PeerSession s, CloseReason reason) {
            feature.onLinkDown(remote);
            closed.countDown();
        }

        // ---- PeerLink ----
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
