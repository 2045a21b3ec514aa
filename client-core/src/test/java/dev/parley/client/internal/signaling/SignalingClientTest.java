package dev.parley.client.internal.signaling;

import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.signal.Candidate;
import dev.parley.protocol.signal.ErrorCode;
import dev.parley.protocol.signal.ErrorMessage;
import dev.parley.protocol.signal.IceServers;
import dev.parley.protocol.signal.Offer;
import dev.parley.protocol.signal.SdpProof;
import dev.parley.protocol.signal.Welcome;
import dev.parley.server.ServerConfig;
import dev.parley.server.SignalingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client's routing of every server message (the {@code ServerMessage.Handler} in SignalingClient)
 * against the real server: each event arrives once, in order, and nothing else.
 */
class SignalingClientTest {
    static final String SESSION = Base64Url.encode(new byte[16]);
    final List<AutoCloseable> cleanup = new ArrayList<>();
    SignalingServer server;
    URI uri;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : cleanup) c.close();
        if (server != null) server.close();
    }

    SignalingClient client(IdentityKeyPair key, SignalingEvents r) {
        SignalingClient c = new SignalingClient(uri, key, r);
        cleanup.add(0, c);
        c.start();
        return c;
    }

    @Test
    void everyServerMessageReachesItsListenerMethodOnceAndInOrder() throws Exception {
        server = new SignalingServer(ServerConfig.builder().bindAddress("127.0.0.1").port(0).httpPort(-1).build());
        uri = URI.create("ws://127.0.0.1:" + server.start().wsPort());
        IdentityKeyPair ka = IdentityKeyPair.generate(), kb = IdentityKeyPair.generate();
        SignalingEvents ra = new SignalingEvents("A"), rb = new SignalingEvents("B");
        SignalingClient a = client(ka, ra);
        SignalingClient b = client(kb, rb);
        assertThat(ra.next(Welcome.class).peerId()).isEqualTo(ka.publicKey().peerId());
        assertThat(rb.next(Welcome.class).peerId()).isEqualTo(kb.publicKey().peerId());

        SdpProof proof = new SdpProof(ka.publicKey(), SESSION, 1, 1, Base64Url.encode(new byte[64]));
        assertThat(a.send(new Offer(kb.publicKey().peerId(), null, "o-1", "v=0\r\n", proof))).isTrue();
        Offer got = rb.next(Offer.class);
        assertThat(got.from()).isEqualTo(ka.publicKey().peerId());
        assertThat(got.id()).isEqualTo("o-1");
        assertThat(b.send(new Candidate(ka.publicKey().peerId(), null, null, SESSION, "", null, null))).isTrue();
        assertThat(ra.next(Candidate.class).from()).isEqualTo(kb.publicKey().peerId());

        // A non-fatal error (relaying to oneself) reaches onError; then ice servers, in that order.
        a.send(new Offer(ka.publicKey().peerId(), null, "self", "v=0\r\n", proof));
        a.requestIceServers();
        ErrorMessage e = ra.next(ErrorMessage.class);
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(e.ref()).isEqualTo("self");
        ra.next(IceServers.class);

        // A newer login with A's key: A hears "replaced" (no automatic retry), the newcomer takes over.
        SignalingEvents ra2 = new SignalingEvents("A2");
        SignalingClient a2 = client(ka, ra2);
        assertThat(ra2.next(Welcome.class).resumed()).isTrue();
        assertThat(ra.next(String.class)).startsWith("offline -1 another login took over");
        assertThat(a.state()).isEqualTo(SignalingState.REPLACED);
        assertThat(a2.state()).isEqualTo(SignalingState.ONLINE);
        // Sentinel: a relay to B from the newcomer arrives, and nothing else happened anywhere.
        a2.send(new Offer(kb.publicKey().peerId(), null, "o-2", "v=0\r\n", proof));
        assertThat(rb.next(Offer.class).id()).isEqualTo("o-2");
        rb.assertExhausted();
        ra2.assertExhausted();
        ra.assertExhausted();
    }
}
