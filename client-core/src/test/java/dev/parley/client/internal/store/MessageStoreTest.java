package dev.parley.client.internal.store;

import dev.parley.client.ChatMessage;
import dev.parley.client.Direction;
import dev.parley.client.HistoryCursor;
import dev.parley.client.HistoryPage;
import dev.parley.client.MessageId;
import dev.parley.client.MessageState;
import dev.parley.client.internal.store.event.ContactAdded;
import dev.parley.client.internal.store.event.MessageAdded;
import dev.parley.client.internal.store.event.MessageStateChanged;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.IdentityKeyPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageStoreTest {
    @TempDir
    Path dir;

    StoreFixture f;
    final PeerId alice = IdentityKeyPair.generate().publicKey().peerId();
    final PeerId bob = IdentityKeyPair.generate().publicKey().peerId();

    @BeforeEach
    void open() {
        f = new StoreFixture(dir);
        f.contacts().add(alice, "Alice");
        f.contacts().add(bob, "Bob");
        f.events.next(ContactAdded.class);
        f.events.next(ContactAdded.class);
    }

    @AfterEach
    void close() {
        f.events.assertExhausted();
        f.close();
    }

    @Test
    void outgoingMessageIsStoredAndQueuedWithTheNextSeqBeforeSending() {
        ChatMessage first = f.messages().appendOutgoing(alice, "hi");
        f.clock.advanceMillis(5);
        ChatMessage second = f.messages().appendOutgoing(alice, "there");
        ChatMessage toBob = f.messages().appendOutgoing(bob, "yo");

        assertThat(first.seq()).isEqualTo(1);
        assertThat(second.seq()).isEqualTo(2);
        assertThat(toBob.seq()).isEqualTo(1);
        assertThat(first.state()).isEqualTo(MessageState.PENDING);
        assertThat(first.direction()).isEqualTo(Direction.OUTGOING);
        assertThat(second.sentAt()).isEqualTo(first.sentAt().plusMillis(5));
        assertThat(f.messages().get(first.id())).contains(first);
        assertThat(f.messages().pendingOutbox(alice)).containsExactly(first, second);
        assertThat(f.messages().peersWithPendingOutbox()).containsExactlyInAnyOrder(alice, bob);
        assertThat(f.events.next(MessageAdded.class).message()).isEqualTo(first);
        f.events.next(MessageAdded.class);
        f.events.next(MessageAdded.class);
    }

    @Test
    void outboxSurvivesARestartInSeqOrderUntilAcked() {
        List<MessageId> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) ids.add(f.messages().appendOutgoing(alice, "m" + i).id());
        f.messages().markSent(ids.get(0));
        f.messages().markAcked(ids.get(1));

        f.restart();
        List<ChatMessage> pending = f.messages().pendingOutbox(alice);
        assertThat(pending).extracting(ChatMessage::id).containsExactly(ids.get(0), ids.get(2), ids.get(3), ids.get(4));
        assertThat(pending).extracting(ChatMessage::seq).containsExactly(1L, 3L, 4L, 5L);
        assertThat(pending.get(0).state()).isEqualTo(MessageState.SENT);
        // seq numbering continues after the restart
        assertThat(f.messages().appendOutgoing(alice, "after").seq()).isEqualTo(6);
        f.events.takeAll();
    }

    @Test
    void ackTakesTheMessageOutOfTheOutboxAndMarksItDelivered() {
        ChatMessage m = f.messages().appendOutgoing(alice, "hi");
        f.events.next(MessageAdded.class);
        assertThat(f.messages().markSent(m.id())).isTrue();
        assertThat(f.messages().markAcked(m.id())).isTrue();
        assertThat(f.messages().markAcked(m.id())).isFalse();
        assertThat(f.messages().pendingOutbox(alice)).isEmpty();
        assertThat(f.messages().get(m.id()).orElseThrow().state()).isEqualTo(MessageState.DELIVERED);
        assertThat(f.events.next(MessageStateChanged.class).state()).isEqualTo(MessageState.SENT);
        assertThat(f.events.next(MessageStateChanged.class))
                .isEqualTo(new MessageStateChanged(m.id(), alice, MessageState.DELIVERED));
    }

    @Test
    void receiptsNeverMoveAMessageBackwards() {
        ChatMessage m = f.messages().appendOutgoing(alice, "hi");
        assertThat(f.messages().markRead(m.id())).isTrue();
        assertThat(f.messages().markDelivered(m.id())).isFalse();
        assertThat(f.messages().markSent(m.id())).isFalse();
        assertThat(f.messages().get(m.id()).orElseThrow().state()).isEqualTo(MessageState.READ);
        assertThat(f.messages().pendingOutbox(alice)).as("read implies delivered").isEmpty();

        ChatMessage n = f.messages().appendOutgoing(alice, "again");
        f.messages().markDelivered(n.id());
        assertThat(f.messages().markSent(n.id())).isFalse();
        assertThat(f.messages().get(n.id()).orElseThrow().state()).isEqualTo(MessageState.DELIVERED);
        f.events.takeAll();
    }

    @Test
    void acksForUnknownOrIncomingMessagesAreIgnored() {
        MessageId incoming = MessageId.random();
        f.messages().insertIncomingIfAbsent(new IncomingMessage(incoming, alice, 1, "hey", Instant.EPOCH));
        f.events.next(MessageAdded.class);
        assertThat(f.messages().markAcked(incoming)).isFalse();
        assertThat(f.messages().markSent(incoming)).isFalse();
        assertThat(f.messages().markAcked(MessageId.random())).isFalse();
        assertThat(f.messages().get(incoming).orElseThrow().state()).isEqualTo(MessageState.RECEIVED);
    }

    @Test
    void duplicateIncomingMessageIsReportedAndShownOnlyOnce() {
        IncomingMessage m = new IncomingMessage(MessageId.random(), alice, 7, "hello", Instant.parse("2024-01-01T00:00:00Z"));
        assertThat(f.messages().insertIncomingIfAbsent(m)).isEqualTo(InsertResult.INSERTED);
        f.restart();
        assertThat(f.messages().insertIncomingIfAbsent(m)).isEqualTo(InsertResult.DUPLICATE);
        assertThat(f.messages().insertIncomingIfAbsent(
                new IncomingMessage(m.id(), alice, 8, "different text, same id", Instant.EPOCH))).isEqualTo(InsertResult.DUPLICATE);

        HistoryPage page = f.messages().history(alice, null, 50);
        assertThat(page.items()).hasSize(1);
        ChatMessage stored = page.items().get(0);
        assertThat(stored.text()).isEqualTo("hello");
        assertThat(stored.seq()).isEqualTo(7);
        assertThat(stored.state()).isEqualTo(MessageState.RECEIVED);
        assertThat(stored.sentAt()).isEqualTo(m.sentAt());
        assertThat(stored.storedAt()).isEqualTo(f.clock.instant());
        assertThat(f.events.next(MessageAdded.class).message()).isEqualTo(stored);
    }

    @Test
    void incomingFromAStrangerIsRefused() {
        PeerId stranger = IdentityKeyPair.generate().publicKey().peerId();
        assertThatThrownBy(() -> f.messages().insertIncomingIfAbsent(
                new IncomingMessage(MessageId.random(), stranger, 1, "spam", Instant.EPOCH)))
                .isInstanceOf(UnknownContactException.class);
    }

    @Test
    void historyPagesOver250MessagesReturnEachExactlyOnceNewestFirst() {
        List<MessageId> sent = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            if (i % 3 == 0) {
                MessageId id = MessageId.random();
                f.messages().insertIncomingIfAbsent(new IncomingMessage(id, alice, i + 1, "in " + i, Instant.EPOCH));
                sent.add(id);
            } else {
                sent.add(f.messages().appendOutgoing(alice, "out " + i).id());
            }
            f.messages().appendOutgoing(bob, "noise " + i); // another conversation must not leak in
        }
        f.events.takeAll();

        List<MessageId> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        HistoryCursor cursor = null;
        do {
            HistoryPage page = f.messages().history(alice, cursor, 100);
            pageSizes.add(page.items().size());
            page.items().forEach(m -> seen.add(m.id()));
            // A message arriving between page reads must not shift the older pages.
            f.messages().appendOutgoing(alice, "late");
            cursor = page.next().orElse(null);
        } while (cursor != null);
        f.events.takeAll();

        List<MessageId> expected = new ArrayList<>(sent);
        Collections.reverse(expected);
        assertThat(pageSizes).containsExactly(100, 100, 50);
        assertThat(seen).containsExactlyElementsOf(expected);
    }

    @Test
    void historyOfAnEmptyConversationHasNoNextPage() {
        HistoryPage page = f.messages().history(alice, null, 100);
        assertThat(page.items()).isEmpty();
        assertThat(page.next()).isEmpty();
        assertThatThrownBy(() -> f.messages().history(alice, null, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrentAppendsFromEightThreadsGetUniqueGaplessSeqs() throws Exception {
        int threads = 8, perThread = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<ChatMessage>>> futures = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    List<ChatMessage> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) mine.add(f.messages().appendOutgoing(alice, thread + ":" + i));
                    return mine;
                }));
            }
            start.countDown();
            List<Long> seqs = new ArrayList<>();
            for (Future<List<ChatMessage>> fu : futures) {
                List<ChatMessage> mine = fu.get(60, TimeUnit.SECONDS);
                // each thread's own messages are in increasing seq order
                assertThat(mine).extracting(ChatMessage::seq).isSorted();
                mine.forEach(m -> seqs.add(m.seq()));
            }
            assertThat(seqs).containsExactlyInAnyOrderElementsOf(
                    LongStream.rangeClosed(1, threads * perThread).boxed().toList());
        } finally {
            pool.shutdownNow();
        }
        assertThat(f.messages().pendingOutbox(alice)).extracting(ChatMessage::seq)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, threads * perThread).boxed().toList());
        assertThat(f.events.takeAll()).hasSize(threads * perThread);
    }

    @Test
    void unreadCountsFallWhenTheConversationIsRead() {
        MessageId a1 = MessageId.random(), a2 = MessageId.random(), b1 = MessageId.random();
        f.messages().insertIncomingIfAbsent(new IncomingMessage(a1, alice, 1, "1", Instant.EPOCH));
        f.messages().insertIncomingIfAbsent(new IncomingMessage(a2, alice, 2, "2", Instant.EPOCH));
        f.messages().insertIncomingIfAbsent(new IncomingMessage(b1, bob, 1, "1", Instant.EPOCH));
        f.messages().appendOutgoing(alice, "mine is never unread");
        assertThat(f.messages().unreadCount(alice)).isEqualTo(2);
        assertThat(f.messages().unreadCount()).isEqualTo(3);
        f.events.takeAll();

        assertThat(f.messages().markConversationRead(alice)).containsExactly(a1, a2);
        assertThat(f.messages().markConversationRead(alice)).isEmpty();
        assertThat(f.messages().unreadCount(alice)).isZero();
        assertThat(f.messages().unreadCount()).isEqualTo(1);
        assertThat(f.events.next(MessageStateChanged.class).id()).isEqualTo(a1);
        assertThat(f.events.next(MessageStateChanged.class).id()).isEqualTo(a2);

        assertThat(f.messages().markRead(b1)).isTrue();
        assertThat(f.messages().unreadCount()).isZero();
        f.events.next(MessageStateChanged.class);
    }

    @Test
    void removingAContactDeletesItsConversationAndOutbox() {
        ChatMessage m = f.messages().appendOutgoing(alice, "hi");
        f.contacts().remove(alice);
        assertThat(f.messages().get(m.id())).isEmpty();
        assertThat(f.messages().peersWithPendingOutbox()).isEmpty();
        f.contacts().add(alice, "Alice again");
        assertThat(f.messages().history(alice, null, 10).items()).isEmpty();
        assertThat(f.messages().appendOutgoing(alice, "fresh").seq()).isEqualTo(1);
        f.events.takeAll();
    }

    @Test
    void emptyOrOversizedTextIsRefused() {
        assertThatThrownBy(() -> f.messages().appendOutgoing(alice, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> f.messages().appendOutgoing(alice, "x".repeat(MessageStore.MAX_TEXT_CHARS + 1)))
                .hasMessageContaining("at most");
        assertThatThrownBy(() -> new IncomingMessage(MessageId.random(), alice, 1, "x".repeat(MessageStore.MAX_TEXT_CHARS + 1),
                Instant.EPOCH)).isInstanceOf(IllegalArgumentException.class);
        assertThat(f.messages().pendingOutbox(alice)).isEmpty();
    }
}
