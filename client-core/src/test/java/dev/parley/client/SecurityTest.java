package dev.parley.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.client.EventRecorder.Message;
import dev.parley.client.EventRecorder.Security;
import dev.parley.client.EventRecorder.Server;
import dev.parley.client.EventRecorder.State;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.Hashes;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.crypto.SdpProofPayload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The signaling server is untrusted: a server that alters, re-signs or replays signaling must be
 * caught before {@code setRemoteDescription}, and the user told (docs/security.md).
 */
class SecurityTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern FINGERPRINT = Pattern.compile("a=fingerprint:sha-256 ([0-9A-F:]+)");

    @TempDir
    Path dir;
    TestNetwork net;
    MitmProxy proxy;

    @AfterEach
    void tearDown() throws Exception {
        if (net != null) net.close();
        if (proxy != null) proxy.shutdown();
    }

    /** Alice and Bob, both talking to the signaling server only through the proxy. */
    ParleyClient[] pairBehindProxy(EventRecorder ra, EventRecorder rb) throws Exception {
        net = new TestNetwork(dir);
        proxy = new MitmProxy(net.uri()).startProxy();
        // As an operator would name the proxy in front of it: clients sign the proxy's authority.
        net.restartServerAlsoNamed(proxy.uri().getAuthority());
        ParleyClient a = ParleyClient.open(ParleyConfig.builder(net.profile("alice")).server(proxy.uri()).build(), ra);
        ParleyClient b = ParleyClient.open(ParleyConfig.builder(net.profile("bob")).server(proxy.uri()).build(), rb);
        closeLater(a);
        closeLater(b);
        TestNetwork.befriend(a, "alice", b, "bob");
        a.start();
        b.start();
        ra.await(Server.class, Server::online);
        rb.await(Server.class, Server::online);
        return new ParleyClient[] {a, b};
    }

    void closeLater(ParleyClient c) {
        net.track(c);
    }

    static String rewriteOffers(String frame, java.util.function.Function<ObjectNode, ObjectNode> f) {
        try {
            ObjectNode n = (ObjectNode) JSON.readTree(frame);
            if (!"offer".equals(n.path("type").asText())) return frame;
            return JSON.writeValueAsString(f.apply(n));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void serverThatSwapsTheDtlsFingerprintIsCaughtBeforeAnythingIsApplied() throws Exception {
        EventRecorder ra = new EventRecorder(), rb = new EventRecorder();
        // The attacker puts its own certificate's fingerprint in every offer it relays.
        String attackerFp = java.util.HexFormat.ofDelimiter(":").withUpperCase().formatHex(Hashes.sha256("mallory".getBytes()));
        ParleyClient[] p = pairBehindProxy(ra, rb);
        proxy.rewriteToClients(f -> rewriteOffers(f, n -> {
            Matcher m = FINGERPRINT.matcher(n.get("sdp").asText());
            return n.put("sdp", m.replaceAll("a=fingerprint:sha-256 " + attackerFp));
        }));

        ChatMessage msg = p[0].send(p[1].peerId(), "secret");

        Security warning = rb.await(Security.class, s -> s.peer().equals(p[0].peerId()));
        assertThat(warning.reason()).contains("altered in transit");
        assertThat(p[1].isConnected(p[0].peerId())).isFalse();
        assertThat(rb.seen(Message.class)).isEmpty();
        assertThat(p[0].message(msg.id()).orElseThrow().state()).isEqualTo(MessageState.PENDING);
    }

    @Test
    void offerReSignedWithTheServersOwnKeyIsRefusedAsAChangedKey() throws Exception {
        EventRecorder ra = new EventRecorder(), rb = new EventRecorder();
        ParleyClient[] p = pairBehindProxy(ra, rb);
        IdentityKeyPair mallory = IdentityKeyPair.generate();
        // A consistent forgery: Mallory's own fingerprint, signed with Mallory's key, claiming to be Alice.
        byte[] fp = Hashes.sha256("mallory-cert".getBytes());
        String fpText = java.util.HexFormat.ofDelimiter(":").withUpperCase().formatHex(fp);
        proxy.rewriteToClients(f -> rewriteOffers(f, n -> {
            String sdp = FINGERPRINT.matcher(n.get("sdp").asText()).replaceAll("a=fingerprint:sha-256 " + fpText);
            ObjectNode proof = (ObjectNode) n.get("proof");
            byte[] session = Base64Url.decode("sessionId", proof.get("sessionId").asText());
            long ts = proof.get("timestampMs").asLong();
            byte[] payload = SdpProofPayload.bytes(SdpProofPayload.Kind.OFFER, session, proof.get("seq").asLong(),
                    mallory.publicKey(), p[1].identityKey(), fp, null, ts, sdp);
            proof.put("publicKey", mallory.publicKey().toBase64Url());
            proof.put("signature", Base64Url.encode(mallory.sign(payload)));
            return n.put("sdp", sdp);
        }));

        p[0].send(p[1].peerId(), "secret");

        Security warning = rb.await(Security.class, s -> s.peer().equals(p[0].peerId()));
        assertThat(warning.reason()).contains("another peer's key");
        assertThat(p[1].isConnected(p[0].peerId())).isFalse();
        assertThat(p[1].contact(p[0].peerId()).orElseThrow().pinnedKey()).isEqualTo(p[0].identityKey());
    }

    @Test
    void replayedOfferIsRejectedAndTheLiveSessionCarriesOn() throws Exception {
        EventRecorder ra = new EventRecorder(), rb = new EventRecorder();
        ParleyClient[] p = pairBehindProxy(ra, rb);
        AtomicReference<String> recorded = new AtomicReference<>();
        proxy.rewriteToClients(f -> {
            if (f.contains("\"type\":\"offer\"") && f.contains("\"to\":\"" + p[1].peerId() + "\"")) recorded.compareAndSet(null, f);
            return f;
        });
        ChatMessage first = p[0].send(p[1].peerId(), "one");
        ra.await(State.class, s -> s.id().equals(first.id()) && s.state() == MessageState.DELIVERED);

        proxy.injectToClients(recorded.get());

        assertThat(recorded.get()).as("an offer to Bob went through the proxy").isNotNull();
        Security warning = rb.await(Security.class, s -> s.peer().equals(p[0].peerId()));
        assertThat(warning.reason()).contains("replay");
        ChatMessage second = p[0].send(p[1].peerId(), "two");
        assertThat(rb.await(Message.class, m -> m.message().id().equals(second.id())).message().text()).isEqualTo("two");
    }
}
