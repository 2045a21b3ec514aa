package dev.parley.client;

import dev.parley.client.internal.call.Coturn;
import dev.parley.server.SignalingServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients with no ICE servers of their own and a relay-only policy can only connect through the TURN
 * server whose short-lived credentials the signaling server hands them (coturn use-auth-secret).
 */
@Tag("native")
class TurnFromServerTest {
    @TempDir
    Path dir;
    Coturn turn;
    SignalingServer server;
    final List<ParleyClient> clients = new java.util.ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (ParleyClient c : clients) c.close();
        if (server != null) server.close();
        if (turn != null) turn.close();
    }

    ParleyClient relayOnlyClient(String name, URI uri, ClientEvents r) throws Exception {
        ParleyClient c = ParleyClient.open(ParleyConfig.builder(dir.resolve(name)).server(uri).relayOnly(true).build(), r);
        clients.add(c);
        return c;
    }

    @Test
    void relayOnlyClientsChatThroughTheTurnServerTheSignalingServerHandsOut() throws Exception {
        turn = new Coturn(Files.createDirectories(dir.resolve("turn")));
        server = new SignalingServer(TestNetwork.serverConfig(0).turnUrls(List.of(turn.url())).turnSecret(turn.secret()).build());
        URI uri = URI.create("ws://127.0.0.1:" + server.start().wsPort());
        ClientEvents ra = new ClientEvents("alice").ignoringConnectivity(), rb = new ClientEvents("bob").ignoringConnectivity();
        ParleyClient a = relayOnlyClient("alice", uri, ra), b = relayOnlyClient("bob", uri, rb);
        TestNetwork.befriend(a, "alice", b, "bob");
        a.start();
        b.start();

        ChatMessage m = a.send(b.peerId(), "via the relay");

        rb.expectServer(true);
        assertThat(rb.expectMessage(m.id()).message().text()).isEqualTo("via the relay");
        ra.expectInAnyOrder(
                dev.parley.testing.EventRecorder.event("online", e -> e instanceof ClientEvents.Server x && x.online()),
                dev.parley.testing.EventRecorder.event("own message", e -> e instanceof ClientEvents.Message x && x.message().id().equals(m.id())));
        ra.expectState(m.id(), MessageState.SENT);
        ra.expectState(m.id(), MessageState.DELIVERED);
        ChatTest.nothingElse(a, ra, b, rb);
    }
}
