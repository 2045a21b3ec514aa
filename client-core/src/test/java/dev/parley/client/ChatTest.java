package dev.parley.client;

import dev.parley.client.EventRecorder.Message;
import dev.parley.client.EventRecorder.Server;
import dev.parley.client.EventRecorder.Session;
import dev.parley.client.EventRecorder.State;
import dev.parley.client.EventRecorder.Typing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Two real clients, a real server, real WebRTC and SQLite: chat as a user sees it. */
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

    @Test
    void twoClientsChatBothWaysWithReceiptsAndTyping() throws Exception {
        net = new TestNetwork(dir);
        EventRecorder ra = new EventRecorder(), rb = new EventRecorder();
        ParleyClient a = net.client("alice", ra), b = net.client("bob", rb);
        TestNetwork.befriend(a, "alice", b, "bob");

        ChatMessage hi = a.send(b.peerId(), "hi bob ✓");
        Message got = rb.await(Message.class, m -> m.message().direction() == Direction.INCOMING);
        assertThat(got.message().text()).isEqualTo("hi bob ✓");
        assertThat(got.message().id()).isEqualTo(hi.id());
        assertThat(got.message().peer()).isEqualTo(a.peerId());
        ra.await(State.class, s -> s.id().equals(hi.id()) && s.state() == MessageState.DELIVERED);

        b.markRead(a.peerId());
        ra.await(State.class, s -> s.id().equals(hi.id()) && s.state() == MessageState.READ);

        b.setTyping(a.peerId(), true);
        ra.await(Typing.class, t -> t.peer().equals(b.peerId()) && t.typing());
        ChatMessage back = b.send(a.peerId(), "hi alice");
        assertThat(ra.await(Message.class, m -> m.message().id().equals(back.id())).message().text()).isEqualTo("hi alice");
        ra.await(Typing.class, t -> !t.typing()); // a message ends the typing indicator

        assertThat(a.history(b.peerId(), null, 10).items()).extracting(ChatMessage::text).containsExactly("hi alice", "hi bob ✓");
        assertThat(b.history(a.peerId(), null, 10).items()).extracting(ChatMessage::text).containsExactly("hi alice", "hi bob ✓");
        assertThat(ra.seen(EventRecorder.Security.class)).isEmpty();
    }

    @Test
    void readReceiptMadeWhileTheSenderIsAwayArrivesWhenItReturns() throws Exception {
        net = new TestNetwork(dir);
        EventRecorder ra = new EventRecorder(), rb = new EventRecorder();
        ParleyClient a = net.client("alice", ra), b = net.client("bob", rb);
        TestNetwork.befriend(a, "alice", b, "bob");
        ChatMessage hi = a.send(b.peerId(), "read me later");
        ra.await(State.class, s -> s.id().equals(hi.id()) && s.state() == MessageState.DELIVERED);
        a.close(); // Alice goes away before Bob reads it

        b.markRead(a.peerId());
        rb.await(State.class, s -> s.id().equals(hi.id()) && s.state() == MessageState.READ);

        EventRecorder ra2 = new EventRecorder();
        ParleyClient a2 = net.client("alice", ra2);
        ra2.await(State.class, s -> s.id().equals(hi.id()) && s.state() == MessageState.READ);
        assertThat(a2.message(hi.id()).orElseThrow().state()).isEqualTo(MessageState.READ);
    }

    @Test
    void bothDialingAtOnceEndsWithOneWorkingSession() throws Exception {
        net = new TestNetwork(dir);
        EventRecorder ra = new EventRecorder(), rb = new EventRecorder();
        ParleyClient a = net.client("alice", ra), b = net.client("bob", rb);
        a.addContact(b.contactString("bob").toString(), null);
        b.addContact(a.contactString("alice").toString(), null);
        ra.await(Server.class, Server::online);
        rb.await(Server.class, Server::online);

        // Both have something to say before either is connected: both dial.
        ChatMessage fromA = a.send(b.peerId(), "from a");
        ChatMessage fromB = b.send(a.peerId(), "from b");

        rb.await(Message.class, m -> m.message().id().equals(fromA.id()));
        ra.await(Message.class, m -> m.message().id().equals(fromB.id()));
        ra.await(State.class, s -> s.id().equals(fromA.id()) && s.state() == MessageState.DELIVERED);
        rb.await(State.class, s -> s.id().equals(fromB.id()) && s.state() == MessageState.DELIVERED);
        assertThat(a.isConnected(b.peerId())).isTrue();
        assertThat(b.isConnected(a.peerId())).isTrue();
        // One session per side: never two "connected" without a close in between.
        assertThat(ra.seen(Session.class).stream().filter(s -> s.state().equals("connected")).count()).isEqualTo(1);
        assertThat(rb.seen(Session.class).stream().filter(s -> s.state().equals("connected")).count()).isEqualTo(1);
    }

    @Test
    void chatContinuesWhileTheServerIsDownAndClientsReRegisterWhenItReturns() throws Exception {
        net = new TestNetwork(dir);
        EventRecorder ra = new EventRecorder(), rb = new EventRecorder();
        ParleyClient a = net.client("alice", ra), b = net.client("bob", rb);
        TestNetwork.befriend(a, "alice", b, "bob");
        ChatMessage first = a.send(b.peerId(), "before");
        ra.await(State.class, s -> s.id().equals(first.id()) && s.state() == MessageState.DELIVERED);

        int port = net.port;
        net.stopServer();
        ra.await(Server.class, s -> !s.online());
        rb.await(Server.class, s -> !s.online());

        ChatMessage during = a.send(b.peerId(), "while the server is down");
        assertThat(rb.await(Message.class, m -> m.message().id().equals(during.id())).message().text()).isEqualTo("while the server is down");
        ChatMessage reply = b.send(a.peerId(), "still here");
        ra.await(Message.class, m -> m.message().id().equals(reply.id()));

        net.startServer(port);
        ra.await(Server.class, Server::online, java.time.Duration.ofSeconds(45));
        rb.await(Server.class, Server::online, java.time.Duration.ofSeconds(45));
        ChatMessage after = a.send(b.peerId(), "after");
        rb.await(Message.class, m -> m.message().id().equals(after.id()));
    }

    @Test
    void messageToAnOfflineContactIsDeliveredWhenItComesOnline() throws Exception {
        net = new TestNetwork(dir);
        EventRecorder ra = new EventRecorder();
        ParleyClient a = net.client("alice", ra);
        // Bob exists (has an identity) but is offline.
        a.addContact(offlineBobWhoKnows(a), null);
        ra.await(Server.class, Server::online);

        ChatMessage m1 = a.send(a.contacts().get(0).peerId(), "one");
        ChatMessage m2 = a.send(a.contacts().get(0).peerId(), "two");
        assertThat(a.message(m1.id()).orElseThrow().state()).isEqualTo(MessageState.PENDING);

        EventRecorder rb = new EventRecorder();
        ParleyClient b = net.client("bob", rb);
        assertThat(rb.await(Message.class, m -> m.message().id().equals(m1.id())).message().text()).isEqualTo("one");
        assertThat(rb.await(Message.class, m -> m.message().id().equals(m2.id())).message().text()).isEqualTo("two");
        ra.await(State.class, s -> s.id().equals(m2.id()) && s.state() == MessageState.DELIVERED);
        assertThat(b.history(a.peerId(), null, 10).items()).extracting(ChatMessage::seq).containsExactly(2L, 1L);
    }

    @Test
    void restartedSenderDeliversUnackedMessagesExactlyOnceInOrder() throws Exception {
        net = new TestNetwork(dir);
        EventRecorder ra = new EventRecorder();
        ParleyClient a = net.client("alice", ra);
        a.addContact(offlineBobWhoKnows(a), null);
        var bob = a.contacts().get(0).peerId();
        List<ChatMessage> sent = new java.util.ArrayList<>();
        for (int i = 1; i <= 5; i++) sent.add(a.send(bob, "m" + i));
        a.close(); // Alice quits with five unacked messages.

        EventRecorder rb = new EventRecorder();
        ParleyClient b = net.client("bob", rb);
        EventRecorder ra2 = new EventRecorder();
        ParleyClient a2 = net.client("alice", ra2); // same profile: restarted
        for (ChatMessage m : sent) rb.await(Message.class, e -> e.message().id().equals(m.id()));
        ra2.await(State.class, s -> s.id().equals(sent.get(4).id()) && s.state() == MessageState.DELIVERED);
        assertThat(b.history(a2.peerId(), null, 100).items()).extracting(ChatMessage::text)
                .containsExactly("m5", "m4", "m3", "m2", "m1");
    }
}
