package dev.parley.client.internal.transfer;

import dev.parley.client.internal.rtc.SignalingPipe;
import dev.parley.client.internal.rtc.DescriptionVerifier;
import dev.parley.client.internal.rtc.PeerSession;
import dev.parley.client.internal.rtc.RtcConfig;
import dev.parley.client.internal.rtc.RtcRuntime;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two users, alice and bob, each with a real webrtc-java runtime, profile and engine, connected by real
 * peer sessions through in-memory signaling. {@link #disconnect()} and {@link #connect()} model link
 * loss; {@link Side#restart()} models quitting and starting the app.
 */
final class Pair implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);

    final Side alice;
    final Side bob;
    private final RtcRuntime rtcA = RtcRuntime.create(RtcConfig.defaults());
    private final RtcRuntime rtcB = RtcRuntime.create(RtcConfig.defaults());
    private SignalingPipe aToB;
    private SignalingPipe bToA;
    PeerSession sessionA;
    PeerSession sessionB;
    private LinkAdapter linkA;
    private LinkAdapter linkB;

    Pair(Path root, TransferConfig.Tweak tweak) throws IOException {
        alice = new Side("alice", root, tweak);
        bob = new Side("bob", root, tweak);
        alice.addContact(bob);
        bob.addContact(alice);
    }

    Pair(Path root) throws IOException {
        this(root, c -> c);
    }

    /** New sessions both ways; returns once both links are up. */
    void connect() throws Exception {
        aToB = new SignalingPipe("a2b");
        bToA = new SignalingPipe("b2a");
        linkA = new LinkAdapter(bob.id, alice.feature());
        linkB = new LinkAdapter(alice.id, bob.feature());
        sessionA = rtcA.newSession(alice.id.value(), bob.id.value(), aToB, DescriptionVerifier.ACCEPT_ALL, linkA);
        sessionB = rtcB.newSession(bob.id.value(), alice.id.value(), bToA, DescriptionVerifier.ACCEPT_ALL, linkB);
        linkA.bind(sessionA);
        linkB.bind(sessionB);
        aToB.connectTo(sessionB);
        bToA.connectTo(sessionA);
        sessionA.dial();
        assertThat(linkA.linkUp.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("alice's link up").isTrue();
        assertThat(linkB.linkUp.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("bob's link up").isTrue();
    }

    /** Bounds the other side's notice of a hang-up when it must come from ICE (default RtcConfig: restarts included). */
    static final java.time.Duration CLOSE_BY_ICE = java.time.Duration.ofSeconds(90);

    /** Alice hangs up; returns once both sides saw the link go. */
    void disconnect() throws Exception {
        sessionA.close();
        assertThat(linkA.linkDown.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("alice's link down").isTrue();
        // Bob learns it from the chat channel's close, at once on a quiet box; when that close is lost under load
        // (a CI run saw 30 s pass without it) only ICE tells: disconnected, the grace, then its failed restarts.
        assertThat(linkB.linkDown.await(CLOSE_BY_ICE.toSeconds(), TimeUnit.SECONDS)).as("bob's link down").isTrue();
        aToB.shutdown();
        bToA.shutdown();
    }

    @Override
    public void close() throws Exception {
        try {
            if (aToB != null) {
                aToB.shutdown();
                bToA.shutdown();
            }
        } finally {
            try {
                rtcA.close();
                rtcB.close();
            } finally {
                alice.close();
                bob.close();
            }
        }
    }
}
