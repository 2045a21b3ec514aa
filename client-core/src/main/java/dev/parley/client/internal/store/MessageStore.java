package dev.parley.client.internal.store;

import dev.parley.client.internal.Ids;
import dev.parley.client.ChatMessage;
import dev.parley.client.Direction;
import dev.parley.client.HistoryCursor;
import dev.parley.client.HistoryPage;
import dev.parley.client.MessageId;
import dev.parley.client.MessageState;
import dev.parley.client.internal.store.event.MessageAdded;
import dev.parley.client.internal.store.event.MessageStateChanged;
import dev.parley.protocol.PeerId;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Messages and the outbox, one conversation per contact (addressed by the contact's peer id).
 *
 * <p>Nothing is lost: an outgoing message is written together with its outbox entry before
 * anything is sent, and leaves the outbox only when the peer acknowledges it. Incoming messages are
 * deduplicated on their id. States only move forward. Thread-safe (see {@link Database}); every
 * method is one transaction.
 */
public final class MessageStore {
    /** Longest message text accepted, in UTF-16 units. */
    public static final int MAX_TEXT_CHARS = 64 * 1024;

    private static final String COLUMNS = "m.local_id, m.message_id, c.peer_id, m.direction, m.seq, m.body, "
            + "m.sent_at, m.stored_at, m.state, m.delivered_at, m.read_at";
    private static final String FROM = " FROM messages m JOIN conversations v USING (conversation_id) "
            + "JOIN contacts c USING (contact_id) ";

    private final Database db;

    public MessageStore(Database db) {
        this.db = Objects.requireNonNull(db);
    }

    static void checkText(String text) {
        if (text.isEmpty()) throw new IllegalArgumentException("a message needs some text");
        if (text.length() > MAX_TEXT_CHARS) {
            throw new IllegalArgumentException("a message is at most " + MAX_TEXT_CHARS + " characters, this one has " + text.length());
        }
    }

    /**
     * Stores a new outgoing message to {@code peer} and queues it, in one transaction: a fresh
     * {@link MessageId}, the conversation's next seq (gapless, from 1), state PENDING. Send it only
     * after this returns.
     */
    public ChatMessage appendOutgoing(PeerId peer, String text) {
        return appendOutgoing(peer, text, MessageId.random());
    }

    /**
     * As {@link #appendOutgoing(PeerId, String)} with the app's own id: storing the same id again (a
     * retry after a crash) returns the stored message and stores, queues and announces nothing.
     *
     * @throws IllegalArgumentException if {@code id} is already used by a different message
     */
    public ChatMessage appendOutgoing(PeerId peer, String text, MessageId id) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(id, "id");
        checkText(text);
        return db.write(txn -> {
            Optional<ChatMessage> existing = find(txn, id);
            if (existing.isPresent()) {
                ChatMessage m = existing.get();
                if (m.direction() == Direction.OUTGOING && Ids.wire(m.peer()).equals(peer) && m.text().equals(text)) return m;
                throw new IllegalArgumentException("message id " + id + " is already used by a different message");
            }
            long conv = ContactStore.conversationOf(txn, peer);
            long seq;
            try (PreparedStatement p = txn.prepare("UPDATE conversations SET next_out_seq = next_out_seq + 1 "
                    + "WHERE conversation_id = ? RETURNING next_out_seq - 1")) {
                p.setLong(1, conv);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    seq = rs.getLong(1);
                }
            }
            long now = db.clock().millis();
            long localId = insert(txn, id, conv, Direction.OUTGOING, seq, text, now, now, MessageState.PENDING);
            try (PreparedStatement p = txn.prepare(
                    "INSERT INTO outbox (local_id, conversation_id, seq, enqueued_at) VALUES (?, ?, ?, ?)")) {
                p.setLong(1, localId);
                p.setLong(2, conv);
                p.setLong(3, seq);
                p.setLong(4, now);
                p.executeUpdate();
            }
            ChatMessage m = new ChatMessage(id, Ids.app(peer), Direction.OUTGOING, seq, text, Instant.ofEpochMilli(now),
                    Instant.ofEpochMilli(now), MessageState.PENDING, null, null);
            txn.attach(new MessageAdded(m));
            return m;
        });
    }

    /** Outgoing messages to {@code peer} not yet acknowledged, oldest (lowest seq) first: send them in this order. */
    public List<ChatMessage> pendingOutbox(PeerId peer) {
        return db.read(txn -> {
            long conv = ContactStore.conversationOf(txn, peer);
            try (PreparedStatement p = txn.prepare("SELECT " + COLUMNS + FROM
                    + "JOIN outbox o ON o.local_id = m.local_id WHERE o.conversation_id = ? ORDER BY o.seq")) {
                p.setLong(1, conv);
                return list(p);
            }
        });
    }

    /**
     * At most {@code limit} unacknowledged outgoing messages to {@code peer} with seq above
     * {@code afterSeq}, lowest seq first: how a sender walks a long outbox without re-reading it.
     */
    public List<ChatMessage> pendingOutbox(PeerId peer, long afterSeq, int limit) {
        return db.read(txn -> {
            long conv = ContactStore.conversationOf(txn, peer);
            try (PreparedStatement p = txn.prepare("SELECT " + COLUMNS + FROM
                    + "JOIN outbox o ON o.local_id = m.local_id WHERE o.conversation_id = ? AND o.seq > ? ORDER BY o.seq LIMIT ?")) {
                p.setLong(1, conv);
                p.setLong(2, afterSeq);
                p.setInt(3, limit);
                return list(p);
            }
        });
    }

    /** Peers with something in the outbox, to retry when they come online. */
    public List<PeerId> peersWithPendingOutbox() {
        return db.read(txn -> {
            List<PeerId> out = new ArrayList<>();
            try (PreparedStatement p = txn.prepare("SELECT DISTINCT c.peer_id FROM outbox o "
                    + "JOIN conversations v USING (conversation_id) JOIN contacts c USING (contact_id) ORDER BY c.peer_id");
                 ResultSet rs = p.executeQuery()) {
                while (rs.next()) out.add(PeerId.of(rs.getString(1)));
            }
            return out;
        });
    }

    /**
     * Stores an incoming message unless its id is already stored. The sender must be a contact.
     * A DUPLICATE changes nothing; acknowledge it anyway so the sender stops retrying.
     */
    public InsertResult insertIncomingIfAbsent(IncomingMessage msg) {
        return insertAllIncomingIfAbsent(List.of(msg)).get(0);
    }

    /** {@link #insertIncomingIfAbsent} for a burst, in ONE transaction (group commit); results in order. */
    public List<InsertResult> insertAllIncomingIfAbsent(List<IncomingMessage> msgs) {
        return db.write(txn -> {
            List<InsertResult> out = new ArrayList<>(msgs.size());
            for (IncomingMessage msg : msgs) out.add(insertIncoming(txn, msg));
            return out;
        });
    }

    private InsertResult insertIncoming(Txn txn, IncomingMessage msg) throws java.sql.SQLException {
        {
            long conv = ContactStore.conversationOf(txn, msg.from());
            long now = db.clock().millis();
            try (PreparedStatement p = txn.prepare("INSERT INTO messages (message_id, conversation_id, direction, seq, body, "
                    + "sent_at, stored_at, state, state_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    + "ON CONFLICT (message_id) DO NOTHING")) {
                bindMessage(p, msg.id(), conv, Direction.INCOMING, msg.seq(), msg.text(), msg.sentAt().toEpochMilli(), now,
                        MessageState.RECEIVED);
                if (p.executeUpdate() == 0) return InsertResult.DUPLICATE;
            }
            txn.attach(new MessageAdded(new ChatMessage(msg.id(), Ids.app(msg.from()), Direction.INCOMING, msg.seq(), msg.text(),
                    msg.sentAt(), Instant.ofEpochMilli(now), MessageState.RECEIVED, null, null)));
            return InsertResult.INSERTED;
        }
    }

    /** The outgoing message was handed to a connection: PENDING → SENT. It stays in the outbox until acked. */
    public boolean markSent(MessageId id) {
        return advance(id, MessageState.SENT, Direction.OUTGOING);
    }

    /**
     * The peer acknowledged the outgoing message: it leaves the outbox and becomes DELIVERED (unless
     * already READ). Repeated or late acks, and ids we do not have or did not send, are ignored. Returns whether the state changed.
     */
    public boolean markAcked(MessageId id) {
        return advance(id, MessageState.DELIVERED, Direction.OUTGOING);
    }

    /** A delivery receipt: same effect as {@link #markAcked}. */
    public boolean markDelivered(MessageId id) {
        return markAcked(id);
    }

    /**
     * READ: for an outgoing message, the peer's read receipt (also takes it out of the outbox, since
     * read implies delivered); for an incoming one, the user saw it. Never moves backwards.
     */
    public boolean markRead(MessageId id) {
        return advance(id, MessageState.READ, null);
    }

    /**
     * The ids of the newest {@code limit} incoming messages from {@code peer} that the user has read,
     * oldest first: re-sent as read receipts when a session comes up, so receipts made while the peer
     * was unreachable still arrive (receipts are idempotent on the other side).
     */
    public List<MessageId> recentlyRead(PeerId peer, int limit) {
        return db.read(txn -> {
            long conv = ContactStore.conversationOf(txn, peer);
            List<MessageId> ids = new ArrayList<>();
            try (PreparedStatement p = txn.prepare("SELECT message_id FROM messages WHERE conversation_id = ? "
                    + "AND direction = 'INCOMING' AND state = ? ORDER BY local_id DESC LIMIT ?")) {
                p.setLong(1, conv);
                p.setInt(2, MessageState.READ.rank());
                p.setInt(3, limit);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) ids.add(MessageId.parse(rs.getString(1)));
                }
            }
            java.util.Collections.reverse(ids);
            return ids;
        });
    }

    /**
     * Marks read the incoming message {@code upTo} and every earlier unread incoming message of its
     * conversation (what the user has seen when they see {@code upTo}); returns their ids, oldest first,
     * for read receipts. Nothing after it is touched, so a message the app was not shown yet stays unread.
     *
     * @throws IllegalArgumentException if {@code upTo} is not a stored incoming message
     */
    public List<MessageId> markReadUpTo(MessageId upTo) {
        return db.write(txn -> {
            ChatMessage m = find(txn, upTo).filter(x -> x.direction() == Direction.INCOMING)
                    .orElseThrow(() -> new IllegalArgumentException("no incoming message " + upTo));
            return markRead(txn, Ids.wire(m.peer()), "AND local_id <= (SELECT local_id FROM messages WHERE message_id = ?)", upTo.toString());
        });
    }

    /** Outgoing messages not yet acknowledged by their recipient, to everyone. */
    public int outboxSize() {
        return db.read(txn -> {
            try (PreparedStatement p = txn.prepare("SELECT count(*) FROM outbox"); ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    /** Marks every unread incoming message from {@code peer} read; returns their ids, oldest first, for read receipts. */
    public List<MessageId> markConversationRead(PeerId peer) {
        return db.write(txn -> markRead(txn, peer, "", null));
    }

    /**
     * Marks read the unread incoming messages from {@code peer} that {@code andWhere} (with its one
     * parameter, if not null) selects, oldest first, announcing each; returns their ids for read receipts.
     */
    private List<MessageId> markRead(Txn txn, PeerId peer, String andWhere, Object param) throws SQLException {
        long conv = ContactStore.conversationOf(txn, peer);
        List<MessageId> ids = new ArrayList<>();
        try (PreparedStatement p = txn.prepare("SELECT message_id FROM messages WHERE conversation_id = ? "
                + "AND direction = 'INCOMING' AND state = ? " + andWhere + " ORDER BY local_id")) {
            p.setLong(1, conv);
            p.setInt(2, MessageState.RECEIVED.rank());
            if (param != null) p.setObject(3, param);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) ids.add(MessageId.parse(rs.getString(1)));
            }
        }
        long now = db.clock().millis();
        try (PreparedStatement p = txn.prepare("UPDATE messages SET state = ?, state_changed_at = ?, read_at = ? "
                + "WHERE message_id = ? AND state = ?")) {
            for (MessageId id : ids) {
                p.setInt(1, MessageState.READ.rank());
                p.setLong(2, now);
                p.setLong(3, now);
                p.setString(4, id.toString());
                p.setInt(5, MessageState.RECEIVED.rank());
                p.executeUpdate();
                txn.attach(new MessageStateChanged(id, peer, MessageState.READ));
            }
        }
        return ids;
    }

    private boolean advance(MessageId id, MessageState target, Direction requiredDirection) {
        Objects.requireNonNull(id, "id");
        return db.write(txn -> advance(txn, id, target, requiredDirection, null));
    }

    /**
     * Moves each of {@code ids} forward to {@code target} in ONE transaction (group commit for acks and
     * receipts arriving in bursts). Only messages exchanged with {@code peer} in {@code direction} are
     * touched: ids come from the peer, and a peer may only acknowledge what was sent to it. Returns how
     * many changed.
     */
    public int advanceAll(PeerId peer, List<MessageId> ids, MessageState target, Direction direction) {
        Objects.requireNonNull(peer, "peer");
        if (ids.isEmpty()) return 0;
        return db.write(txn -> {
            int n = 0;
            for (MessageId id : ids) if (advance(txn, id, target, direction, peer)) n++;
            return n;
        });
    }

    private boolean advance(Txn txn, MessageId id, MessageState target, Direction requiredDirection, PeerId requiredPeer)
            throws java.sql.SQLException {
        Optional<ChatMessage> found = find(txn, id);
        if (found.isEmpty()) return false; // an ack or receipt for something we never stored (or deleted): ignore
        ChatMessage m = found.get();
        // Ids in acks and receipts come from the peer: a wrong one is ignored, not an error.
        if (requiredDirection != null && m.direction() != requiredDirection) return false;
        if (requiredPeer != null && !Ids.wire(m.peer()).equals(requiredPeer)) return false;
        if (m.direction() == Direction.OUTGOING && target.rank() >= MessageState.DELIVERED.rank()) {
            try (PreparedStatement p = txn.prepare("DELETE FROM outbox WHERE local_id = "
                    + "(SELECT local_id FROM messages WHERE message_id = ?)")) {
                p.setString(1, id.toString());
                p.executeUpdate();
            }
        }
        int changed;
        // The rank comparison in SQL is what makes states monotonic, whatever order receipts arrive in.
        // Receipt times: delivered when it first reaches DELIVERED or beyond (a read receipt implies
        // delivery), read when it reaches READ; never overwritten.
        try (PreparedStatement p = txn.prepare("UPDATE messages SET state = ?, state_changed_at = ?, "
                + "delivered_at = CASE WHEN direction = 'OUTGOING' AND ? >= ? THEN coalesce(delivered_at, ?) ELSE delivered_at END, "
                + "read_at = CASE WHEN ? >= ? THEN coalesce(read_at, ?) ELSE read_at END "
                + "WHERE message_id = ? AND state < ?")) {
            long now = db.clock().millis();
            p.setInt(1, target.rank());
            p.setLong(2, now);
            p.setInt(3, target.rank());
            p.setInt(4, MessageState.DELIVERED.rank());
            p.setLong(5, now);
            p.setInt(6, target.rank());
            p.setInt(7, MessageState.READ.rank());
            p.setLong(8, now);
            p.setString(9, id.toString());
            p.setInt(10, target.rank());
            changed = p.executeUpdate();
        }
        if (changed == 0) return false;
        txn.attach(new MessageStateChanged(id, Ids.wire(m.peer()), target));
        return true;
    }

    public Optional<ChatMessage> get(MessageId id) {
        return db.read(txn -> find(txn, id));
    }

    /**
     * A page of the conversation with {@code peer}, newest first, in this device's storage order.
     * {@code before} null starts at the newest message; pass the returned cursor for older ones.
     */
    public HistoryPage history(PeerId peer, HistoryCursor before, int limit) {
        if (limit < 1 || limit > 1000) throw new IllegalArgumentException("limit must be 1..1000, was " + limit);
        return db.read(txn -> {
            long conv = ContactStore.conversationOf(txn, peer);
            List<Long> positions = new ArrayList<>();
            List<ChatMessage> items = new ArrayList<>();
            try (PreparedStatement p = txn.prepare("SELECT " + COLUMNS + FROM
                    + "WHERE m.conversation_id = ? AND m.local_id < ? ORDER BY m.local_id DESC LIMIT ?")) {
                p.setLong(1, conv);
                p.setLong(2, before == null ? Long.MAX_VALUE : before.position());
                p.setInt(3, limit + 1);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        positions.add(rs.getLong(1));
                        items.add(message(rs));
                    }
                }
            }
            Optional<HistoryCursor> next = Optional.empty();
            if (items.size() > limit) {
                items.remove(limit);
                next = Optional.of(new HistoryCursor(positions.get(limit - 1)));
            }
            return new HistoryPage(items, next);
        });
    }

    /** A page of the conversation with {@code peer} as {@code q} asks; the cursor continues in the same direction. */
    public HistoryPage history(PeerId peer, dev.parley.client.HistoryQuery q) {
        return db.read(txn -> {
            long conv = ContactStore.conversationOf(txn, peer);
            StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + FROM + "WHERE m.conversation_id = ? AND m.local_id "
                    + (q.forward() ? "> ?" : "< ?"));
            if (q.direction() != null) sql.append(" AND m.direction = ?");
            if (q.atLeast() != null) sql.append(" AND m.state >= ?");
            sql.append(" ORDER BY m.local_id ").append(q.forward() ? "ASC" : "DESC").append(" LIMIT ?");
            List<Long> positions = new ArrayList<>();
            List<ChatMessage> items = new ArrayList<>();
            try (PreparedStatement p = txn.prepare(sql.toString())) {
                int i = 1;
                p.setLong(i++, conv);
                p.setLong(i++, q.from() != null ? q.from().position() : q.forward() ? 0 : Long.MAX_VALUE);
                if (q.direction() != null) p.setString(i++, q.direction().name());
                if (q.atLeast() != null) p.setInt(i++, q.atLeast().rank());
                p.setInt(i, q.limit() + 1);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        positions.add(rs.getLong(1));
                        items.add(message(rs));
                    }
                }
            }
            Optional<HistoryCursor> next = Optional.empty();
            if (items.size() > q.limit()) {
                items.remove(q.limit());
                next = Optional.of(new HistoryCursor(positions.get(q.limit() - 1)));
            }
            return new HistoryPage(items, next);
        });
    }

    /** An incoming message whose {@code MessageAdded} event is logged after {@code deliveredUpTo}: the app was not told yet. */
    private static final String NOT_SHOWN = "EXISTS (SELECT 1 FROM app_events e WHERE e.kind = 'MESSAGE_ADDED' "
            + "AND e.ref = messages.message_id AND e.seq > ?)";

    /** Unread incoming messages from {@code peer} that the app has been told of (events up to {@code deliveredUpTo}). */
    public int unreadCountShown(PeerId peer, long deliveredUpTo) {
        return db.read(txn -> {
            long conv = ContactStore.conversationOf(txn, peer);
            try (PreparedStatement p = txn.prepare("SELECT count(*) FROM messages WHERE conversation_id = ? "
                    + "AND direction = 'INCOMING' AND state = ? AND NOT " + NOT_SHOWN)) {
                p.setLong(1, conv);
                p.setInt(2, MessageState.RECEIVED.rank());
                p.setLong(3, deliveredUpTo);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /**
     * Marks read every unread incoming message from {@code peer} that the app has been told of
     * (events up to {@code deliveredUpTo}); one stored but not yet shown stays unread. Returns their
     * ids, oldest first, for read receipts.
     */
    public List<MessageId> markShownRead(PeerId peer, long deliveredUpTo) {
        return db.write(txn -> markRead(txn, peer, "AND NOT " + NOT_SHOWN, deliveredUpTo));
    }

    /** Incoming messages from {@code peer} not yet read. */
    public int unreadCount(PeerId peer) {
        return db.read(txn -> {
            long conv = ContactStore.conversationOf(txn, peer);
            try (PreparedStatement p = txn.prepare("SELECT count(*) FROM messages "
                    + "WHERE conversation_id = ? AND direction = 'INCOMING' AND state = ?")) {
                p.setLong(1, conv);
                p.setInt(2, MessageState.RECEIVED.rank());
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /** Unread incoming messages across all conversations. */
    public int unreadCount() {
        return db.read(txn -> {
            try (PreparedStatement p = txn.prepare("SELECT count(*) FROM messages WHERE direction = 'INCOMING' AND state = ?")) {
                p.setInt(1, MessageState.RECEIVED.rank());
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    private Optional<ChatMessage> find(Txn txn, MessageId id) throws SQLException {
        try (PreparedStatement p = txn.prepare("SELECT " + COLUMNS + FROM + "WHERE m.message_id = ?")) {
            p.setString(1, id.toString());
            List<ChatMessage> l = list(p);
            return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
        }
    }

    private static long insert(Txn txn, MessageId id, long conv, Direction dir, long seq, String text, long sentAt,
                               long storedAt, MessageState state) throws SQLException {
        try (PreparedStatement p = txn.prepare("INSERT INTO messages (message_id, conversation_id, direction, seq, body, "
                + "sent_at, stored_at, state, state_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING local_id")) {
            bindMessage(p, id, conv, dir, seq, text, sentAt, storedAt, state);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void bindMessage(PreparedStatement p, MessageId id, long conv, Direction dir, long seq, String text,
                                    long sentAt, long storedAt, MessageState state) throws SQLException {
        p.setString(1, id.toString());
        p.setLong(2, conv);
        p.setString(3, dir.name());
        p.setLong(4, seq);
        p.setString(5, text);
        p.setLong(6, sentAt);
        p.setLong(7, storedAt);
        p.setInt(8, state.rank());
        p.setLong(9, storedAt);
    }

    private static List<ChatMessage> list(PreparedStatement p) throws SQLException {
        List<ChatMessage> out = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) out.add(message(rs));
        }
        return out;
    }

    private static ChatMessage message(ResultSet rs) throws SQLException {
        return new ChatMessage(
                MessageId.parse(rs.getString("message_id")),
                dev.parley.client.PeerId.of(rs.getString("peer_id")),
                Direction.valueOf(rs.getString("direction")),
                rs.getLong("seq"),
                rs.getString("body"),
                Instant.ofEpochMilli(rs.getLong("sent_at")),
                Instant.ofEpochMilli(rs.getLong("stored_at")),
                MessageState.ofRank(rs.getInt("state")),
                instantOrNull(rs, "delivered_at"),
                instantOrNull(rs, "read_at"));
    }

    private static Instant instantOrNull(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }
}
