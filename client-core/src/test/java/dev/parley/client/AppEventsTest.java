package dev.parley.client;

import dev.parley.testing.EventRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The library's promise to apps: every stored event reaches the app at least once across a crash,
 * exactly once for an app that acknowledges, and sends with the app's own id are idempotent.
 */
class AppEventsTest {
    @TempDir
    Path dir;
    TestNetwork net;
    Process child;

    @AfterEach
    void tearDown() {
        if (child != null && child.isAlive()) child.destroyForcibly();
        if (net != null) net.close();
    }

    /** Every event as a value into the shared strict recorder; each test declares its noise. */
    static class Events implements ParleyListener {
        final EventRecorder<ParleyEvent> rec;

        @SafeVarargs
        Events(String name, Class<? extends ParleyEvent>... noise) {
            rec = new EventRecorder<ParleyEvent>(name).timeout(Duration.ofSeconds(30)).ignoring(noise);
        }

        @Override
        public void onEvent(ParleyEvent event) {
            rec.record(event);
            ParleyListener.super.onEvent(event);
        }
    }

    /** Moment-to-moment events that say nothing about stored state. */
    @SuppressWarnings("unchecked")
    static final Class<? extends ParleyEvent>[] LIVE = new Class[]{ParleyEvent.ServerStateChanged.class, ParleyEvent.Presence.class,
            ParleyEvent.SessionStateChanged.class, ParleyEvent.Typing.class};

    @SafeVarargs
    static Class<? extends ParleyEvent>[] liveAnd(Class<? extends ParleyEvent>... more) {
        Class<? extends ParleyEvent>[] all = java.util.Arrays.copyOf(LIVE, LIVE.length + more.length);
        System.arraycopy(more, 0, all, LIVE.length, more.length);
        return all;
    }

    /** A fresh identity's public key, as an app would get it from someone's contact string. */
    private static PeerKey newKey() {
        return PeerKey.parse(dev.parley.protocol.crypto.IdentityKeyPair.generate().publicKey().toBase64Url());
    }

    @Test
    void aMessageCommittedButNotHandledBeforeACrashIsDeliveredOnceAfterTheRestart() throws Exception {
        net = new TestNetwork(dir);
        Events a = new Events("alice", liveAnd(ParleyEvent.ContactChanged.class, ParleyEvent.MessageAdded.class,
                ParleyEvent.MessageStateChanged.class));
        ParleyClient alice = net.client("alice", a);
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        String bobContact = startChild(alice.contactString("alice").toString(), lines, true);
        PeerId bob = alice.addContact(bobContact, "bob").peerId();

        ChatMessage first = alice.send(bob, "first");
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("bob halted inside onMessage").isTrue();
        assertThat(child.exitValue()).isEqualTo(3);
        assertThat(lines).contains("HALTING 1").doesNotContain("RECEIVED 1");

        // The replay may also repeat bob's contact event (its cursor write may not have happened before the halt).
        Events b = new Events("bob", liveAnd(ParleyEvent.ContactChanged.class));
        ParleyClient bobAgain = net.client("bob", b);
        ParleyEvent.MessageAdded replayed = b.rec.next(ParleyEvent.MessageAdded.class);
        assertThat(replayed.message().id()).isEqualTo(first.id());
        assertThat(replayed.seq()).isPositive();
        // Alice may resend "first" (its ack may not have gone out): a duplicate is acked, never announced again.
        ChatMessage second = alice.send(bob, "second");
        ParleyEvent.MessageAdded next = b.rec.next(ParleyEvent.MessageAdded.class);
        assertThat(next.message().id()).as("the next message bob's app hears of is 'second', not 'first' again").isEqualTo(second.id());
        assertThat(next.seq()).isGreaterThan(replayed.seq());
        assertThat(bobAgain.unreadCount(alice.peerId())).isEqualTo(2);
    }

    @Test
    void anAppThatDoesNotAcknowledgeGetsTheEventAgainAndOneThatDoesDoesNot() throws Exception {
        Path profile = dir.resolve("solo");
        ParleyConfig config = ParleyConfig.builder(profile).manualAck(true).build();
        String friend = ContactString.of(newKey(), "friend").toString();
        String other = ContactString.of(newKey(), "other").toString();

        Events first = new Events("first run");
        long seq;
        try (ParleyClient c = ParleyClient.open(config, first)) {
            c.addContact(friend, null);
            long added = first.rec.next(ParleyEvent.ContactChanged.class).seq(); // added
            ParleyEvent.ContactChanged pinned = first.rec.next(ParleyEvent.ContactChanged.class); // the contact string's key pinned
            assertThat(pinned.contact().pinnedKey()).isNotNull();
            assertThat(pinned.seq()).isGreaterThan(added);
            seq = pinned.seq();
        }
        Events again = new Events("second run");
        try (ParleyClient c = ParleyClient.open(config, again)) {
            again.rec.next(ParleyEvent.ContactChanged.class);
            ParleyEvent.ContactChanged e = again.rec.next(ParleyEvent.ContactChanged.class);
            assertThat(e.seq()).as("not acknowledged: delivered again with its number").isEqualTo(seq);
            c.ack(e.seq());
        }
        Events after = new Events("third run");
        try (ParleyClient c = ParleyClient.open(config, after)) {
            c.addContact(other, null); // sentinel
            ParleyEvent.ContactChanged e = after.rec.next(ParleyEvent.ContactChanged.class);
            assertThat(e.contact().displayName()).as("the acknowledged event is not delivered again").isEqualTo("other");
            assertThat(e.seq()).isGreaterThan(seq);
            assertThat(after.rec.next(ParleyEvent.ContactChanged.class).contact().pinnedKey()).isNotNull();
        }
        after.rec.next(ParleyEvent.Closed.class);
        after.rec.assertExhausted();
    }

    @Test
    void sendingTheSameMessageIdTwiceStoresAndDeliversOneMessage() throws Exception {
        net = new TestNetwork(dir);
        Events a = new Events("alice", liveAnd(ParleyEvent.ContactChanged.class, ParleyEvent.MessageAdded.class,
                ParleyEvent.MessageStateChanged.class));
        Events b = new Events("bob", liveAnd(ParleyEvent.ContactChanged.class));
        ParleyClient alice = net.client("alice", a);
        ParleyClient bob = net.client("bob", b);
        TestNetwork.befriend(alice, "alice", bob, "bob");
        MessageId id = MessageId.random();
        ChatMessage once = alice.send(bob.peerId(), "only once", id);
        ChatMessage twice = alice.send(bob.peerId(), "only once", id);
        assertThat(List.of(twice.id(), twice.seq(), twice.text())).isEqualTo(List.of(once.id(), once.seq(), once.text()));
        assertThatThrownBy(() -> alice.send(bob.peerId(), "something else", id))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already used");
        assertThat(b.rec.next(ParleyEvent.MessageAdded.class).message().id()).isEqualTo(id);
        ChatMessage sentinel = alice.send(bob.peerId(), "sentinel");
        assertThat(b.rec.next(ParleyEvent.MessageAdded.class).message().id()).as("nothing between: 'only once' came once")
                .isEqualTo(sentinel.id());
        assertThat(alice.history(bob.peerId(), null, 10).items()).hasSize(2);

        // The sender's app restarts and, unsure whether its send happened, sends the same id again.
        alice.close();
        ParleyClient aliceAgain = net.client("alice", new Events("alice again", liveAnd(ParleyEvent.ContactChanged.class,
                ParleyEvent.MessageAdded.class, ParleyEvent.MessageStateChanged.class)));
        ChatMessage retried = aliceAgain.send(bob.peerId(), "only once", id);
        assertThat(List.of(retried.id(), retried.seq())).isEqualTo(List.of(once.id(), once.seq()));
        ChatMessage sentinel2 = aliceAgain.send(bob.peerId(), "second sentinel");
        assertThat(b.rec.next(ParleyEvent.MessageAdded.class).message().id()).as("the retry after the restart sent nothing new")
                .isEqualTo(sentinel2.id());
        assertThat(aliceAgain.history(bob.peerId(), null, 10).items()).hasSize(3);
        assertThat(bob.history(aliceAgain.peerId(), null, 10).items()).hasSize(3);
    }

    @Test
    void markReadCoversOnlyWhatTheAppWasShownAndReceiptTimesAreStored() throws Exception {
        net = new TestNetwork(dir);
        Events a = new Events("alice", liveAnd(ParleyEvent.ContactChanged.class, ParleyEvent.MessageAdded.class));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        Events b = new Events("bob", liveAnd(ParleyEvent.ContactChanged.class, ParleyEvent.MessageAdded.class)) {
            @Override
            public void onMessage(ChatMessage m) {
                if (m.text().equals("two")) {
                    holding.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS); // the app is still busy with "two"
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        ParleyClient alice = net.client("alice", a);
        ParleyClient bob = net.client("bob", b);
        TestNetwork.befriend(alice, "alice", bob, "bob");
        ChatMessage one = alice.send(bob.peerId(), "one");
        ChatMessage two = alice.send(bob.peerId(), "two");
        ChatMessage three = alice.send(bob.peerId(), "three");
        // Each goes SENT then DELIVERED; the three may interleave, and nothing else may come.
        java.util.Set<MessageId> delivered = new java.util.HashSet<>();
        for (int i = 0; i < 6 && delivered.size() < 3; i++) {
            ParleyEvent.MessageStateChanged st = a.rec.next(ParleyEvent.MessageStateChanged.class);
            if (st.state() == MessageState.DELIVERED) delivered.add(st.id());
        }
        assertThat(delivered).containsExactlyInAnyOrder(one.id(), two.id(), three.id());
        assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bob.unreadCount(alice.peerId())).as("'three' is stored but the app was not told yet").isEqualTo(2);
        bob.markRead(alice.peerId()); // "three" is stored but its event has not run
        ParleyEvent.MessageStateChanged r1 = a.rec.next(ParleyEvent.MessageStateChanged.class);
        ParleyEvent.MessageStateChanged r2 = a.rec.next(ParleyEvent.MessageStateChanged.class);
        assertThat(java.util.List.of(r1.id(), r2.id())).containsExactly(one.id(), two.id());
        assertThat(r1.state()).isEqualTo(MessageState.READ);
        release.countDown();
        assertThat(bob.message(three.id()).orElseThrow().state()).isEqualTo(MessageState.RECEIVED);
        bob.markRead(three.id()); // sentinel: the next receipt is for "three"
        ParleyEvent.MessageStateChanged r3 = a.rec.next(ParleyEvent.MessageStateChanged.class);
        assertThat(r3.id()).isEqualTo(three.id());
        assertThat(r3.state()).isEqualTo(MessageState.READ);
        ChatMessage stored = alice.message(three.id()).orElseThrow();
        assertThat(stored.deliveredAt()).isNotNull();
        assertThat(stored.readAt()).isNotNull().isAfterOrEqualTo(stored.deliveredAt());
        HistoryPage forward = alice.history(bob.peerId(), HistoryQuery.oldestFirst().limit(2));
        assertThat(forward.items()).extracting(ChatMessage::id).containsExactly(one.id(), two.id());
        HistoryPage rest = alice.history(bob.peerId(), HistoryQuery.oldestFirst().limit(2).from(forward.next().orElseThrow()));
        assertThat(rest.items()).extracting(ChatMessage::id).containsExactly(three.id());
        assertThat(rest.next()).isEmpty();
        assertThat(alice.history(bob.peerId(), HistoryQuery.newestFirst().direction(Direction.INCOMING)).items()).isEmpty();
        assertThat(bob.history(alice.peerId(), HistoryQuery.newestFirst().atLeast(MessageState.READ)).items())
                .extracting(ChatMessage::id).containsExactly(three.id(), two.id(), one.id());
        assertThat(alice.outbox(bob.peerId())).isEmpty();
        assertThat(alice.outboxSize()).isZero();
    }

    private String startChild(String aliceContact, LinkedBlockingQueue<String> lines, boolean haltOnIncoming) throws Exception {
        PeerProcess.Child c = PeerProcess.start(net.profile("bob"), net.uri(), aliceContact, dir.resolve("bob.err"), lines,
                "-Dparley.test.haltOnIncoming=" + haltOnIncoming);
        child = c.process();
        return c.contact();
    }
}
