package dev.parley.client;

import dev.parley.client.internal.Ids;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.client.ClientEvents.Message;
import dev.parley.client.ClientEvents.Security;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.Hashes;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.crypto.SdpProofPayload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The signaling server is untrusted: a server that alters, re-signs or replays signaling must be
 * caught before {@code setRemoteDescription}, and the user told (docs/security.md) once per forged offer.
 * Each test closes its window with a later sentinel event, so a second warning or a leaked message fails.
 */
@Tag("native")
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
    ParleyClient[] pairBehindProxy(ClientEvents ra, ClientEvents rb) throws Exception {
        return pairBehindProxy(ra, rb, null);
    }

    /** As above, with {@code forger} (if any) rewriting every offer to a client from before they start. */
    ParleyClient[] pairBehindProxy(ClientEvents ra, ClientEvents rb, Forger forger) throws Exception {
        net = new TestNetwork(dir);
        proxy = new MitmProxy(net.uri()).startProxy();
        // As an operator would name the proxy in front of it: clients sign the proxy's authority.
        net.restartServerAlsoNamed(proxy.uri().getAuthority());
        ParleyClient a = ParleyClient.open(ParleyConfig.builder(net.profile("alice")).server(proxy.uri()).build(), ra);
        ParleyClient b = ParleyClient.open(ParleyConfig.builder(net.profile("bob")).server(proxy.uri()).build(), rb);
        closeLater(a);
        closeLater(b);
        TestNetwork.befriend(a, "alice", b, "bob");
        if (forger != null) {
            forger.clients = new ParleyClient[] {a, b};
            proxy.rewriteToClients(forger);
        }
        a.start();
        b.start();
        ra.expectServer(true);
        rb.expectServer(true);
        return new ParleyClient[] {a, b};
    }

    void closeLater(ParleyClient c) {
        net.track(c);
    }

    /**
     * Forges every offer relayed to a client and counts them per addressee. Both clients dial when they
     * see each other online, so how many offers there are depends on timing; {@link #stop()} then drops
     * further offers, which makes the count final: each forged offer must produce exactly one warning.
     */
    static final class Forger implements java.util.function.UnaryOperator<String> {
        private final java.util.function.BiFunction<ObjectNode, ParleyClient[], ObjectNode> forge;
        private final java.util.Map<String, Integer> forgedTo = new java.util.HashMap<>();
        private boolean stopped;
        private String anOffer;
        volatile ParleyClient[] clients;

        Forger(java.util.function.BiFunction<ObjectNode, ParleyClient[], ObjectNode> forge) {
            this.forge = forge;
        }

        @Override
        public synchronized String apply(String frame) {
            return rewriteOffers(frame, n -> {
                if (stopped) return null;
                anOffer = n.toString();
                forgedTo.merge(n.path("to").asText(), 1, Integer::sum);
                return forge.apply(n, clients);
            });
        }

        /** A genuine-looking offer from a stranger: relayed after the forged ones, each client refuses it last. */
        synchronized String strangerOffer() {
            try {
                ObjectNode n = (ObjectNode) JSON.readTree(anOffer);
                return JSON.writeValueAsString(n.put("from", IdentityKeyPair.generate().publicKey().peerId().value()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /** Stops forging (later offers are dropped) and says how many offers each peer id was sent. */
        synchronized java.util.Map<String, Integer> stop() {
            stopped = true;
            return java.util.Map.copyOf(forgedTo);
        }
    }

    /**
     * Takes exactly {@code n} warnings about {@code from} (and, for Alice, her own message's echo) in any
     * order: one per forged offer, no more.
     */
    static void warnings(ClientEvents r, int n, PeerId from, String reason, ChatMessage echo) {
        java.util.List<dev.parley.testing.EventRecorder.Expectation<ClientEvents.Event>> expected = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add(dev.parley.testing.EventRecorder.event("warning about " + from.shortForm(),
                    e -> e instanceof Security w && w.peer().equals(from) && w.reason().contains(reason)));
        }
        if (echo != null) expected.add(dev.parley.testing.EventRecorder.event("own message", e -> e instanceof Message m && m.message().id().equals(echo.id())));
        r.expectInAnyOrder(expected);
    }

    static String rewriteOffers(String frame, java.util.function.Function<ObjectNode, ObjectNode> f) {
        try {
            ObjectNode n = (ObjectNode) JSON.readTree(frame);
            if (!"offer".equals(n.path("type").asText())) return frame;
            ObjectNode out = f.apply(n);
            return out == null ? null : JSON.writeValueAsString(out);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void serverThatSwapsTheDtlsFingerprintIsCaughtBeforeAnythingIsApplied() throws Exception {
        ClientEvents ra = new ClientEvents("alice").ignoringConnectivity(), rb = new ClientEvents("bob").ignoringConnectivity();
        // The attacker puts its own certificate's fingerprint in every offer it relays.
        String attackerFp = java.util.HexFormat.ofDelimiter(":").withUpperCase().formatHex(Hashes.sha256("mallory".getBytes()));
        Forger forger = new Forger((n, clients) -> {
            Matcher m = FINGERPRINT.matcher(n.get("sdp").asText());
            return n.put("sdp", m.replaceAll("a=fingerprint:sha-256 " + attackerFp));
        });
        ParleyClient[] p = pairBehindProxy(ra, rb, forger);

        ChatMessage msg = p[0].send(p[1].peerId(), "secret");

        Security first = rb.next(Security.class);
        assertThat(first.peer()).isEqualTo(p[0].peerId());
        assertThat(first.reason()).contains("altered in transit");
        java.util.Map<String, Integer> forged = forger.stop();
        warnings(rb, forged.getOrDefault(p[1].peerId().value(), 0) - 1, p[0].peerId(), "altered in transit", null);
        warnings(ra, forged.getOrDefault(p[0].peerId().value(), 0), p[1].peerId(), "altered in transit", msg);
        assertThat(p[1].isConnected(p[0].peerId())).isFalse();
        assertThat(p[0].message(msg.id()).orElseThrow().state()).isEqualTo(MessageState.PENDING);
        closeWindow(p, ra, rb, forger);
    }

    /**
     * Closes the absence window with a sentinel that travels the same path as the forged offers: an offer
     * from a stranger, relayed to both clients after the last forged one. Until it is refused, Bob saw no
     * message and no extra warning, and Alice no state change; then each client's close ends the test.
     */
    void closeWindow(ParleyClient[] p, ClientEvents ra, ClientEvents rb, Forger forger) {
        proxy.injectToClients(forger.strangerOffer());
        rb.assertNothingElseUntil(ClientEvents.Stranger.class, "the stranger's offer refused", x -> true);
        ra.assertNothingElseUntil(ClientEvents.Stranger.class, "the stranger's offer refused", x -> true);
        closeWindow(p, ra, rb);
    }

    /** Each client's own {@code onClosed} ends its stream: nothing else before it. */
    static void closeWindow(ParleyClient[] p, ClientEvents ra, ClientEvents rb) {
        p[1].close();
        rb.assertNothingElseUntil(ClientEvents.Closed.class, "Bob closed", c -> true);
        p[0].close();
        ra.assertNothingElseUntil(ClientEvents.Closed.class, "Alice closed", c -> true);
    }

    @Test
    void offerReSignedWithTheServersOwnKeyIsRefusedAsAChangedKey() throws Exception {
        ClientEvents ra = new ClientEvents("alice").ignoringConnectivity(), rb = new ClientEvents("bob").ignoringConnectivity();
        IdentityKeyPair mallory = IdentityKeyPair.generate();
        // A consistent forgery: Mallory's own fingerprint, signed with Mallory's key, claiming to be the sender.
        byte[] fp = Hashes.sha256("mallory-cert".getBytes());
        String fpText = java.util.HexFormat.ofDelimiter(":").withUpperCase().formatHex(fp);
        Forger forger = new Forger((n, c) -> {
            ParleyClient to = n.path("to").asText().equals(c[1].peerId().value()) ? c[1] : c[0];
            String sdp = FINGERPRINT.matcher(n.get("sdp").asText()).replaceAll("a=fingerprint:sha-256 " + fpText);
            ObjectNode proof = (ObjectNode) n.get("proof");
            byte[] session = Base64Url.decode("sessionId", proof.get("sessionId").asText());
            long ts = proof.get("timestampMs").asLong();
            byte[] payload = SdpProofPayload.bytes(SdpProofPayload.Kind.OFFER, session, proof.get("seq").asLong(),
                    mallory.publicKey(), Ids.wire(to.identityKey()), fp, null, ts, sdp);
            proof.put("publicKey", mallory.publicKey().toBase64Url());
            proof.put("signature", Base64Url.encode(mallory.sign(payload)));
            return n.put("sdp", sdp);
        });
        ParleyClient[] p = pairBehindProxy(ra, rb, forger);

        ChatMessage msg = p[0].send(p[1].peerId(), "secret");

        Security first = rb.next(Security.class);
        assertThat(first.peer()).isEqualTo(p[0].peerId());
        assertThat(first.reason()).contains("another peer's key");
        java.util.Map<String, Integer> forged = forger.stop();
        warnings(rb, forged.getOrDefault(p[1].peerId().value(), 0) - 1, p[0].peerId(), "another peer's key", null);
        warnings(ra, forged.getOrDefault(p[0].peerId().value(), 0), p[1].peerId(), "another peer's key", msg);
        assertThat(p[1].isConnected(p[0].peerId())).isFalse();
        assertThat(p[1].contact(p[0].peerId()).orElseThrow().pinnedKey()).isEqualTo(p[0].identityKey());
        closeWindow(p, ra, rb, forger);
    }

    @Test
    void replayedOfferIsRejectedAndTheLiveSessionCarriesOn() throws Exception {
        ClientEvents ra = new ClientEvents("alice").ignoringConnectivity(), rb = new ClientEvents("bob").ignoringConnectivity();
        ParleyClient[] p = pairBehindProxy(ra, rb);
        AtomicReference<String> recorded = new AtomicReference<>();
        proxy.rewriteToClients(f -> {
            if (f.contains("\"type\":\"offer\"") && f.contains("\"to\":\"" + p[1].peerId() + "\"")) recorded.compareAndSet(null, f);
            return f;
        });
        ChatMessage first = p[0].send(p[1].peerId(), "one");
        ChatTest.sentAndDelivered(ra, first);
        rb.expectMessage(first.id());

        proxy.injectToClients(recorded.get());
        // The proxy hands the replay to every client, so Alice is offered her own offer, and refuses it.
        assertThat(ra.next(ClientEvents.Stranger.class).peer()).isEqualTo(p[0].peerId());

        assertThat(recorded.get()).as("an offer to Bob went through the proxy").isNotNull();
        Security warning = rb.next(Security.class);
        assertThat(warning.peer()).isEqualTo(p[0].peerId());
        assertThat(warning.reason()).contains("replay");
        ChatMessage second = p[0].send(p[1].peerId(), "two");
        ra.expectMessage(second.id());
        // The live session carries the next message, and nothing else (no second warning) came before it.
        assertThat(rb.assertNothingElseUntil(Message.class, "the second message", m -> m.message().id().equals(second.id()))
                .message().text()).isEqualTo("two");
        ra.expectState(second.id(), MessageState.SENT);
        ra.expectState(second.id(), MessageState.DELIVERED);
        closeWindow(p, ra, rb);
    }
}
