package dev.parley.client;

import dev.parley.client.ClientEvents.Message;
import dev.parley.client.ClientEvents.Session;
import dev.parley.client.ClientEvents.Typing;
import dev.parley.testing.EventRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two real clients, a real server, real WebRTC and SQLite: chat as a user sees it. Every event a client
 * shows is taken in order; each test ends by sending a sentinel message and requiring that nothing else
 * (a duplicate, a warning) arrived before it.
 */
@Tag("native")
class ChatTest {
    @TempDir
    Path dir;
    TestNetwork net;

    @AfterEach
    void tearDown() {
        if (net != null) net.close();
    }

    /** Creates Bob's profile (identity, Alice as contact) without bringing him online; returns his contact string. */
    String offlineBobWhoKnows(ParleyClient alice) throws Exception {
        try (ParleyClient bob = ParleyClient.open(ParleyConfig.builder(net.profile("bob")).build(), null)) {
            bob.addContact(alice.contactString("alice").toString(), null);
            return bob.contactString("bob").toString();
        }
    }

    /**
     * Sends a sentinel message from {@code from} to {@code to}: the sender sees its own message at once, and
     * nothing else (a duplicate, a warning, a stray receipt) may reach {@code rTo} before the sentinel does.
     */
    static void sentinel(ParleyClient from, ClientEvents rFrom, ParleyClient to, ClientEvents rTo) {
        ChatMessage ping = from.send(to.peerId(), "sentinel from " + rFrom.name());
        rFrom.expectMessage(ping.id());
        rTo.assertNothingElseUntil(Message.class, "the sentinel from " + rFrom.name(), m -> m.message().id().equals(ping.id()));
        rFrom.expectState(ping.id(), MessageState.SENT);
        rFrom.expectState(ping.id(), MessageState.DELIVERED);
    }

    /** Ends a test: a sentinel each way closes both windows, and nothing is left over. */
    static void nothingElse(ParleyClient a, ClientEvents ra, ParleyClient b, ClientEvents rb) {
        sentinel(a, ra, b, rb);
        sentinel(b, rb, a, ra);
        ra.assertExhausted();
        rb.assertExhausted();
    }

    /** A message the test just sent: echoed to the sender's own listener, then sent and delivered. */
    static void sentAndDelivered(ClientEvents r, ChatMessage m) {
        r.expectMessage(m.id());
        r.expectState(m.id(), MessageState.SENT);
        r.expectState(m.id(), MessageState.DELIVERED);
    }

    @Test
    void twoClientsChatBothWaysWithReceiptsAndTyping() throws Exception {
        net = new TestNetwork(dir);
        ClientEvents ra = new ClientEvents("alice").ignoringConnectivity(), rb = new ClientEvents("bob").ignoringConnectivity();
        ParleyClient a = net.client("alice", ra), b = net.client("bob", rb);
        ra.expectServer(true);
        rb.expectServer(true);
        TestNetwork.befriend(a, "alice", b, "bob");

        ChatMessage hi = a.send(b.peerId(), "hi bob ✓");
        Message got = rb.expectMessage(hi.id());
        assertThat(got.message().text()).isEqualTo("hi bob ✓");
        assertThat(got.message().direction()).isEqualTo(Direction.INCOMING);
        assertThat(got.message().peer()).isEqualTo(a.peerId());
        sentAndDelivered(ra, hi);

        b.markRead(a.peerId());
        rb.expectState(hi.id(), MessageState.READ);
        ra.expectState(hi.id(), MessageState.READ);

        b.setTyping(a.peerId(), true);
        ra.expectNext(Typing.class, "bob typing", t -> t.peer().equals(b.peerId()) && t.typing());
        ChatMessage back = b.send(a.peerId(), "hi alice");
        assertThat(ra.expectMessage(back.id()).message().text()).isEqualTo("hi alice");
        ra.expectNext(Typing.class, "bob stopped typing", t -> !t.typing()); // a message ends the typing indicator
        sentAndDelivered(rb, back);

        assertThat(a.history(b.peerId(), null, 10).items()).extracting(ChatMessage::text).containsExactly("hi alice", "hi bob ✓");
        assertThat(b.history(a.peerId(), null, 10).items()).extracting(ChatMessage::text).containsExactly("hi alice", "hi bob ✓");
        nothingElse(a, ra, b, rb);
    }

    @Test
    void readReceiptMadeWhileTheSenderIsAwayArrivesWhenItReturns() throws Exception {
        net = new TestNetwork(dir);
        ClientEvents ra = new ClientEvents("alice").ignoringConnectivity(), rb = new ClientEvents("bob").ignoringConnectivity();
        ParleyClient a = net.client("alice", ra), b = net.client("bob", rb);
        ra.expectServer(true);
        rb.expectServer(true);
        TestNetwork.befriend(a, "alice", b, "bob");
        ChatMessage hi = a.send(b.peerId(), "read me later");
        sentAndDelivered(ra, hi);
        rb.expectMessage(hi.id());
        a.close(); // Alice goes away before Bob reads it
        ra.next(ClientEvents.Closed.class);
        ra.assertExhausted();

        b.markRead(a.peerId());
        rb.expectState(hi.id(), MessageState.READ);

        ClientEvents ra2 = new ClientEvents("alice again").ignoringConnectivity();
        ParleyClient a2 = net.client("alice", ra2);
        ra2.expectServer(true);
        ra2.expectState(hi.id(), MessageState.READ);
        assertThat(a2.message(hi.id()).orElseThrow().state()).isEqualTo(MessageState.READ);
        nothingElse(a2, ra2, b, rb);
    }

    @Test
    void bothDialingAtOnceEndsWithOneWorkingSession() throws Exception {
        net = new TestNetwork(dir);
        ClientEvents ra = new ClientEvents("alice").ignoringConnectivity(), rb = new ClientEvents("bob").ignoringConnectivity();
        ParleyClient a = net.client("alice", ra), b = net.client("bob", rb);
        a.addContact(b.contactString("bob").toString(), null);
        b.addContact(a.contactString("alice").toString(), null);
        ra.expectServer(true);
        rb.expectServer(true);

        // Both have something to say before either is connected: both dial.
        ChatMessage fromA = a.send(b.peerId(), "from a");
        ChatMessage fromB = b.send(a.peerId(), "from b");
        ra.expectMessage(fromA.id());
        rb.expectMessage(fromB.id());

        deliveredBothWays(ra, fromA, fromB);
        deliveredBothWays(rb, fromB, fromA);
        assertThat(a.isConnected(b.peerId())).isTrue();
        assertThat(b.isConnected(a.peerId())).isTrue();
        nothingElse(a, ra, b, rb);
        // One session per side: never two "connected" without a close in between.
        assertThat(ra.ignoredHistory(Session.class).stream().filter(s -> s.state().equals("connected")).count()).isEqualTo(1);
        assertThat(rb.ignoredHistory(Session.class).stream().filter(s -> s.state().equals("connected")).count()).isEqualTo(1);
    }

    /** Own message sent and delivered and the other's received, each once, in the order the race picks. */
    static void deliveredBothWays(ClientEvents r, ChatMessage own, ChatMessage theirs) {
        java.util.List<ClientEvents.Event> got = r.expectInAnyOrder(
                EventRecorder.event("own SENT", e -> e instanceof ClientEvents.State s && s.id().equals(own.id()) && s.state() == MessageState.SENT),
                EventRecorder.event("own DELIVERED", e -> e instanceof ClientEvents.State s && s.id().equals(own.id()) && s.state() == MessageState.DELIVERED),
                EventRecorder.event("their message", e -> e instanceof Message m && m.message().id().equals(theirs.id())));
        assertThat(got.indexOf(new ClientEvents.State(own.id(), own.peer(), MessageState.SENT)))
                .as("SENT before DELIVERED").isLessThan(got.indexOf(new ClientEvents.State(own.id(), own.peer(), MessageState.DELIVERED)));
    }

    @Test
    void chatContinuesWhileTheServerIsDownAndClientsReRegisterWhenItReturns() throws Exception {
        net = new TestNetwork(dir);
        ClientEvents ra = new ClientEvents("alice").ignoringConnectivity(), rb = new ClientEvents("bob").ignoringConnectivity();
        ParleyClient a = net.client("alice", ra), b = net.client("bob", rb);
        ra.expectServer(true);
        rb.expectServer(true);
        TestNetwork.befriend(a, "alice", b, "bob");
        ChatMessage first = a.send(b.peerId(), "before");
        sentAndDelivered(ra, first);
        rb.expectMessage(first.id());

        int port = net.port;
        net.stopServer();
        ra.expectServer(false);
        rb.expectServer(false);

        ChatMessage during = a.send(b.peerId(), "while the server is down");
        assertThat(rb.expectMessage(during.id()).message().text()).isEqualTo("while the server is down");
        sentAndDelivered(ra, during);
        ChatMessage reply = b.send(a.peerId(), "still here");
        ra.expectMessage(reply.id());
        sentAndDelivered(rb, reply);

        net.startServer(port);
        ra.expectNext(ClientEvents.Server.class, "online again", ClientEvents.Server::online, java.time.Duration.ofSeconds(45));
        rb.expectNext(ClientEvents.Server.class, "online again", ClientEvents.Server::online, java.time.Duration.ofSeconds(45));
        ChatMessage after = a.send(b.peerId(), "after");
        rb.expectMessage(after.id());
        sentAndDelivered(ra, after);
        nothingElse(a, ra, b, rb);
    }

    @Test
    void messageToAnOfflineContactIsDeliveredWhenItComesOnline() throws Exception {
        net = new TestNetwork(dir);
        ClientEvents ra = new ClientEvents("alice").ignoringConnectivity();
        ParleyClient a = net.client("alice", ra);
        // Bob exists (has an identity) but is offline.
        a.addContact(offlineBobWhoKnows(a), null);
        ra.expectServer(true);

        ChatMessage m1 = a.send(a.contacts().get(0).peerId(), "one");
        ChatMessage m2 = a.send(a.contacts().get(0).peerId(), "two");
        ra.expectMessage(m1.id());
        ra.expectMessage(m2.id());
        assertThat(a.message(m1.id()).orElseThrow().state()).isEqualTo(MessageState.PENDING);

        ClientEvents rb = new ClientEvents("bob").ignoringConnectivity();
        ParleyClient b = net.client("bob", rb);
        rb.expectServer(true);
        assertThat(rb.expectMessage(m1.id()).message().text()).isEqualTo("one");
        assertThat(rb.expectMessage(m2.id()).message().text()).isEqualTo("two");
        for (ChatMessage m : List.of(m1, m2)) ra.expectState(m.id(), MessageState.SENT);
        for (ChatMessage m : List.of(m1, m2)) ra.expectState(m.id(), MessageState.DELIVERED);
        assertThat(b.history(a.peerId(), null, 10).items()).extracting(ChatMessage::seq).containsExactly(2L, 1L);
        nothingElse(a, ra, b, rb);
    }

    @Test
    void restartedSenderDeliversUnackedMessagesExactlyOnceInOrder() throws Exception {
        net = new TestNetwork(dir);
        ClientEvents ra = new ClientEvents("alice").ignoringConnectivity();
        ParleyClient a = net.client("alice", ra);
        a.addContact(offlineBobWhoKnows(a), null);
        ra.expectServer(true);
        var bob = a.contacts().get(0).peerId();
        List<ChatMessage> sent = new java.util.ArrayList<>();
        for (int i = 1; i <= 5; i++) sent.add(a.send(bob, "m" + i));
        for (ChatMessage m : sent) ra.expectMessage(m.id());
        a.close(); // Alice quits with five unacked messages.
        ra.next(ClientEvents.Closed.class);
        ra.assertExhausted();

        ClientEvents rb = new ClientEvents("bob").ignoringConnectivity();
        ParleyClient b = net.client("bob", rb);
        ClientEvents ra2 = new ClientEvents("alice again").ignoringConnectivity();
        ParleyClient a2 = net.client("alice", ra2); // same profile: restarted
        rb.expectServer(true);
        ra2.expectServer(true);
        for (ChatMessage m : sent) rb.expectMessage(m.id()); // in order, each once
        for (ChatMessage m : sent) ra2.expectState(m.id(), MessageState.SENT);
        for (ChatMessage m : sent) ra2.expectState(m.id(), MessageState.DELIVERED);
        assertThat(b.history(a2.peerId(), null, 100).items()).extracting(ChatMessage::text)
                .containsExactly("m5", "m4", "m3", "m2", "m1");
        nothingElse(a2, ra2, b, rb);
    }
}
