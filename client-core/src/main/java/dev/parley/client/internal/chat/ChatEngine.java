package dev.parley.client.internal.chat;

import dev.parley.client.internal.Ids;
import dev.parley.client.internal.DaemonThreads;
import dev.parley.client.ChatMessage;
import dev.parley.client.Direction;
import dev.parley.client.MessageState;
import dev.parley.client.MessageId;
import dev.parley.client.internal.session.PeerFeature;
import dev.parley.client.internal.session.PeerLink;
import dev.parley.client.internal.store.IncomingMessage;
import dev.parley.client.internal.store.MessageStore;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.peer.Ack;
import dev.parley.protocol.peer.ChatText;
import dev.parley.protocol.peer.Hello;
import dev.parley.protocol.peer.PeerMessage;
import dev.parley.protocol.peer.ReadReceipt;
import dev.parley.protocol.peer.Typing;
import lombok.extern.slf4j.Slf4j;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import dev.parley.client.ParleyEvent;
import dev.parley.client.internal.event.EventSink;
import dev.parley.client.internal.time.Scheduler;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Chat over the {@code chat} data channel with nothing lost and nothing twice (docs/protocol.md § Peer
 * protocol): messages go to the outbox before they are sent, the outbox is replayed in seq order
 * whenever a link comes up, incoming messages are stored under their unique id before they are acked.
 *
 * <p>All database work and all sends run on one worker thread, so a conversation's sends are never
 * reordered; session threads only hand off to it.
 */
@Slf4j
public final class ChatEngine implements PeerFeature, AutoCloseable {
    public static final String AGENT = "parley/0.1";
    static final long TYPING_REPEAT_MS = 3_000;
    static final long TYPING_EXPIRY_MS = 6_000;
    static final long RETRY_FLUSH_MS = 50;
    /** Outbox rows read per query while flushing. */
    static final int FLUSH_PAGE = 256;
    /** Ids per ack message: 37 bytes each keeps an ack far below the 64 KiB message limit. */
    static final int MAX_ACK_IDS = 512;

    private final MessageStore store;
    private final Consumer<PeerId> dialer;
    private final EventSink events;
    private final Scheduler scheduler;
    private final Clock clock;
    private final ExecutorService worker;
    /** The live link per peer and how far its outbox has been sent on it. Worker thread only, except get/put of links. */
    private final Map<PeerId, LinkState> links = new ConcurrentHashMap<>();
    private final Map<PeerId, Scheduler.Timer> typingExpiry = new ConcurrentHashMap<>();
    private final Map<PeerId, Long> typingSentAt = new ConcurrentHashMap<>();
    // Worker thread only: bursts waiting for one group commit.
    private final Map<PeerId, List<ChatText>> incoming = new java.util.HashMap<>();
    private final Map<PeerId, List<UUID>> acks = new java.util.HashMap<>();
    private final java.util.Set<PeerId> drainScheduled = new java.util.HashSet<>();

    private static final class LinkState {
        final PeerLink link;
        long lastSentSeq;

        LinkState(PeerLink link) {
            this.link = link;
        }
    }

    /** {@code dialer} is asked to connect to a peer that has a message waiting and no link. */
    public ChatEngine(MessageStore store, Consumer<PeerId> dialer, EventSink events, Clock clock, Scheduler scheduler) {
        this.store = store;
        this.dialer = dialer;
        this.events = events;
        this.clock = clock;
        this.scheduler = scheduler;
        this.worker = Executors.newSingleThreadExecutor(DaemonThreads.named("parley-chat"));
    }

    /**
     * Stores {@code text} for {@code to} (durably, in the outbox) and sends it as soon as there is a link.
     *
     * @throws IllegalArgumentException for empty or too long text
     */
    public ChatMessage send(PeerId to, String text) {
        return send(to, text, MessageId.random());
    }

    /** As {@link #send(PeerId, String)} with the app's id: the same id again stores and sends nothing new. */
    public ChatMessage send(PeerId to, String text, MessageId id) {
        checkText(text);
        ChatMessage m = store.appendOutgoing(to, text, id);
        if (links.containsKey(to)) {
            worker.execute(() -> flush(to));
        } else {
            dialer.accept(to);
        }
        return m;
    }

    static void checkText(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("message is empty");
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > PeerMessage.MAX_TEXT_BYTES) {
            throw new IllegalArgumentException("message is " + bytes + " bytes; the limit is " + PeerMessage.MAX_TEXT_BYTES
                    + " (send long text as a file)");
        }
    }

    /**
     * Marks {@code upTo} and the earlier unread incoming messages of its conversation read, and tells
     * the peer (read receipts) if connected.
     *
     * @throws IllegalArgumentException if {@code upTo} is not a stored incoming message
     */
    public void markReadUpTo(MessageId upTo) {
        ChatMessage m = store.get(upTo).filter(x -> x.direction() == Direction.INCOMING)
                .orElseThrow(() -> new IllegalArgumentException("no incoming message " + upTo));
        worker.execute(() -> sendReadReceipts(Ids.wire(m.peer()), store.markReadUpTo(upTo)));
    }

    /** Marks read what the app has been shown of the conversation (events up to {@code deliveredUpTo}) and sends receipts. */
    public void markShownRead(PeerId peer, long deliveredUpTo) {
        worker.execute(() -> sendReadReceipts(peer, store.markShownRead(peer, deliveredUpTo)));
    }

    /** Worker thread: read receipts for {@code ids}, if connected (otherwise they go out when the link returns). */
    private void sendReadReceipts(PeerId peer, List<MessageId> ids) {
        LinkState s = links.get(peer);
        if (!ids.isEmpty() && s != null) s.link.sendControl(new ReadReceipt(ids.stream().map(MessageId::value).toList()));
    }

    /** Tells the peer the user is (or stopped) typing; repeated "typing" is throttled to one per 3 s. */
    public void setTyping(PeerId peer, boolean active) {
        worker.execute(() -> {
            LinkState s = links.get(peer);
            if (s == null) return;
            long now = clock.millis();
            if (active) {
                Long last = typingSentAt.get(peer);
                if (last != null && now - last < TYPING_REPEAT_MS) return;
                typingSentAt.put(peer, now);
            } else {
                typingSentAt.remove(peer);
            }
            s.link.sendControl(new Typing(active));
        });
    }

    public boolean hasLink(PeerId peer) {
        return links.containsKey(peer);
    }

    // ---------------------------------------------------------------- PeerFeature (session threads)

    @Override
    public void onLinkUp(PeerLink link) {
        LinkState s = new LinkState(link);
        links.put(link.peer(), s);
        worker.execute(() -> {
            if (links.get(link.peer()) != s) return;
            link.sendControl(new Hello(PeerMessage.VERSION, AGENT));
            flush(link.peer());
            resendReadReceipts(link);
        });
    }

    @Override
    public void onLinkDown(PeerId peer) {
        links.remove(peer);
        worker.execute(() -> stopTyping(peer));
    }

    @Override
    public void onControl(PeerId peer, PeerMessage message) {
        worker.execute(() -> handle(peer, message));
    }

    // ---------------------------------------------------------------- worker thread

    /** Read receipts made while the peer was unreachable would be lost: repeat the recent ones on every new link. */
    private void resendReadReceipts(PeerLink link) {
        try {
            List<MessageId> read = store.recentlyRead(link.peer(), MAX_ACK_IDS);
            if (!read.isEmpty()) link.sendControl(new ReadReceipt(read.stream().map(MessageId::value).toList()));
        } catch (RuntimeException e) {
            log.warn("could not repeat read receipts to {}", link.peer().shortForm(), e);
        }
    }

    /**
     * Sends everything in the outbox past what this link already carried, in seq order, a page at a
     * time; each page's SENT marks are one transaction.
     */
    private void flush(PeerId peer) {
        LinkState s = links.get(peer);
        if (s == null) return;
        try {
            while (true) {
                List<ChatMessage> page = store.pendingOutbox(peer, s.lastSentSeq, FLUSH_PAGE);
                List<MessageId> sent = new ArrayList<>(page.size());
                boolean blocked = false;
                for (ChatMessage m : page) {
                    ChatText wire = new ChatText(m.id().value(), m.seq(), m.sentAt().toEpochMilli(), m.text());
                    if (!s.link.sendControl(wire)) {
                        blocked = true;
                        break;
                    }
                    s.lastSentSeq = m.seq();
                    sent.add(m.id());
                }
                store.advanceAll(peer, sent, MessageState.SENT, Direction.OUTGOING);
                if (blocked) {
                    // Channel closed (a new link will flush) or momentarily full: try again shortly.
                    scheduler.schedule(Duration.ofMillis(RETRY_FLUSH_MS), worker, () -> flush(peer));
                    return;
                }
                if (page.size() < FLUSH_PAGE) return;
            }
        } catch (RuntimeException e) {
            log.warn("could not send the outbox to {}", peer.shortForm(), e);
        }
    }

    private void handle(PeerId peer, PeerMessage m) {
        try {
            if (m instanceof ChatText t) {
                incoming.computeIfAbsent(peer, p -> new ArrayList<>()).add(t);
                scheduleDrain(peer);
            } else if (m instanceof Ack a) {
                acks.computeIfAbsent(peer, p -> new ArrayList<>()).addAll(a.ids());
                scheduleDrain(peer);
            } else if (m instanceof ReadReceipt r) {
                store.advanceAll(peer, r.ids().stream().map(MessageId::new).toList(), MessageState.READ, Direction.OUTGOING);
            } else if (m instanceof Typing t) {
                typing(peer, t.active());
            } else if (m instanceof Hello h) {
                log.debug("{} speaks peer protocol {} ({})", peer.shortForm(), h.version(), h.agent());
            }
        } catch (RuntimeException e) {
            log.warn("could not handle {} from {}", m.getClass().getSimpleName(), peer.shortForm(), e);
        }
    }

    /**
     * Queues a drain behind everything already waiting on the worker, so a burst of messages or acks
     * is committed in one transaction (group commit) instead of one fsync each.
     */
    private void scheduleDrain(PeerId peer) {
        if (drainScheduled.add(peer)) worker.execute(() -> drain(peer));
    }

    /** Store first (unique ids), then ack: a crash in between means a resend, acked as a duplicate. */
    private void drain(PeerId peer) {
        try {
            drainScheduled.remove(peer);
            List<UUID> acked = acks.remove(peer);
            if (acked != null) {
                store.advanceAll(peer, acked.stream().map(MessageId::new).toList(), MessageState.DELIVERED, Direction.OUTGOING);
            }
            List<ChatText> batch = incoming.remove(peer);
            if (batch == null) return;
            List<IncomingMessage> valid = new ArrayList<>(batch.size());
            for (ChatText t : batch) {
                if (t.id() == null || t.seq() < 1 || t.text() == null
                        || t.text().getBytes(StandardCharsets.UTF_8).length > PeerMessage.MAX_TEXT_BYTES) {
                    log.warn("dropping a malformed chat message from {} (seq {})", peer.shortForm(), t.seq());
                    continue;
                }
                try {
                    valid.add(new IncomingMessage(new MessageId(t.id()), peer, t.seq(), t.text(), Instant.ofEpochMilli(t.sentAtMs())));
                } catch (IllegalArgumentException e) {
                    log.warn("dropping a malformed chat message from {} (seq {}): {}", peer.shortForm(), t.seq(), e.getMessage());
                }
            }
            if (valid.isEmpty()) return;
            store.insertAllIncomingIfAbsent(valid);
            stopTyping(peer);
            LinkState s = links.get(peer);
            if (s == null) return; // the sender resends; the duplicate will be acked then
            for (int i = 0; i < valid.size(); i += MAX_ACK_IDS) {
                s.link.sendControl(new Ack(valid.subList(i, Math.min(valid.size(), i + MAX_ACK_IDS)).stream()
                        .map(v -> v.id().value()).toList()));
            }
        } catch (RuntimeException e) {
            log.warn("could not store messages from {}; they will be resent", peer.shortForm(), e);
        }
    }

    private void typing(PeerId peer, boolean active) {
        Scheduler.Timer old = typingExpiry.remove(peer);
        if (old != null) old.cancel();
        if (active) {
            Scheduler.Timer[] mine = new Scheduler.Timer[1];
            // A timer handed off just before a cancel must not end a newer typing period.
            mine[0] = scheduler.schedule(Duration.ofMillis(TYPING_EXPIRY_MS), worker, () -> {
                if (typingExpiry.remove(peer, mine[0])) events.publish(new ParleyEvent.Typing(Ids.app(peer), false));
            });
            typingExpiry.put(peer, mine[0]);
            if (old == null) events.publish(new ParleyEvent.Typing(Ids.app(peer), true));
        } else if (old != null) {
            events.publish(new ParleyEvent.Typing(Ids.app(peer), false));
        }
    }

    private void stopTyping(PeerId peer) {
        Scheduler.Timer old = typingExpiry.remove(peer);
        if (old != null) {
            old.cancel();
            events.publish(new ParleyEvent.Typing(Ids.app(peer), false));
        }
    }

    @Override
    public java.util.Set<PeerId> peersWithPendingWork() {
        return java.util.Set.copyOf(store.peersWithPendingOutbox());
    }

    @Override
    public void close() {
        worker.shutdown();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        worker.shutdownNow();
    }
}
