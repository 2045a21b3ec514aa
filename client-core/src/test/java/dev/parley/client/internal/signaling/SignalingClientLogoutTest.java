package dev.parley.client.internal.signaling;

import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.signal.Presence;
import dev.parley.protocol.signal.Welcome;
import dev.parley.server.ServerConfig;
import dev.parley.server.SignalingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A client that closes cleanly logs out: its contacts see it offline at once, not after the resume grace. */
class SignalingClientLogoutTest {
    SignalingServer server;
    SignalingClient a;
    SignalingClient b;

    @AfterEach
    void stop() {
        if (a != null) a.close();
        if (b != null) b.close();
        if (server != null) server.close();
    }

    @Test
    void closingTellsTheServerSoContactsSeeItOfflineWellBeforeTheGrace() throws Exception {
        server = new SignalingServer(ServerConfig.builder().port(0).httpPort(-1).resumeGrace(Duration.ofSeconds(30)).build());
        URI uri = URI.create("ws://127.0.0.1:" + server.start().wsPort());
        IdentityKeyPair ka = IdentityKeyPair.generate();
        IdentityKeyPair kb = IdentityKeyPair.generate();
        SignalingEvents ea = new SignalingEvents("A");
        SignalingEvents eb = new SignalingEvents("B");
        a = new SignalingClient(uri, ka, ea);
        b = new SignalingClient(uri, kb, eb);
        a.start();
        b.start();
        ea.next(Welcome.class);
        eb.next(Welcome.class);
        a.watch(List.of(kb.publicKey().peerId()));
        b.watch(List.of(ka.publicKey().peerId()));
        Presence p;
        do {
            p = ea.next(Presence.class);
        } while (!p.peers().contains(new Presence.Entry(kb.publicKey().peerId(), true)));

        long t0 = System.nanoTime();
        b.close();
        assertThat(ea.next(Presence.class).peers()).containsExactly(new Presence.Entry(kb.publicKey().peerId(), false));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10)); // grace is 30 s
    }
}
