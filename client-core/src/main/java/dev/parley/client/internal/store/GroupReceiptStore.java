package dev.parley.client.internal.store;

import dev.parley.client.internal.store.event.GroupMessageRead;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.IdentityKey;
import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.GroupMessageId;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Group read marks (schema 5): per group and member, the last message it has read in display order
 * (lamport, author key bytes, seq), this member's own too. A mark moves forward only (where both
 * messages are stored here; a mark naming a message not here yet is kept and counts once it arrives); "read by" a message is every other member whose mark is at or after it, except
 * its author. Thread-safe like the database.
 */
public final class GroupReceiptStore {
    private final Database db;
    private final PeerId me;

    GroupReceiptStore(Database db, IdentityKey myKey) {
        this.db = db;
        this.me = myKey.peerId();
    }

    /**
     * Moves {@code member}'s mark in {@code group} to {@code upTo} unless both are stored here and
     * {@code upTo} is not after the current mark; {@code announce} records a {@link GroupMessageRead} in
     * the same transaction. Returns whether the mark moved.
     */
    public boolean advance(GroupId group, PeerId member, GroupMessageId upTo, boolean announce) {
        return db.write(txn -> {
            // Forward only where both positions are known; a mark for a message not here yet (it is on its
            // way by another path) is kept as it is, and counts once that message is stored.
            try (PreparedStatement p = txn.prepare("INSERT INTO group_reads (group_id, peer_id, message_id, updated_at) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT (group_id, peer_id) DO UPDATE SET message_id = excluded.message_id, updated_at = excluded.updated_at "
                    + "WHERE group_reads.message_id != excluded.message_id AND NOT EXISTS (SELECT 1 FROM group_messages o, group_messages n "
                    + "WHERE o.message_id = group_reads.message_id AND n.message_id = excluded.message_id "
                    + "AND (n.lamport, n.author_key, n.seq) <= (o.lamport, o.author_key, o.seq))")) {
                p.setString(1, group.value());
                p.setString(2, member.value());
                p.setString(3, upTo.value());
                p.setLong(4, db.clock().millis());
                if (p.executeUpdate() == 0) return false;
            }
            if (announce) txn.attach(new GroupMessageRead(group, member, upTo));
            return true;
        });
    }

    /** {@code member}'s mark in {@code group}, if any. */
    public Optional<GroupMessageId> mark(GroupId group, PeerId member) {
        return db.read(txn -> {
            try (PreparedStatement p = txn.prepare("SELECT message_id FROM group_reads WHERE group_id = ? AND peer_id = ?")) {
                p.setString(1, group.value());
                p.setString(2, member.value());
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? Optional.of(GroupMessageId.of(rs.getString(1))) : Optional.<GroupMessageId>empty();
                }
            }
        });
    }

    /** Whether {@code message} is stored in {@code group}. */
    public boolean holds(GroupId group, GroupMessageId message) {
        return db.read(txn -> {
            try (PreparedStatement p = txn.prepare("SELECT 1 FROM group_messages WHERE message_id = ? AND group_id = ?")) {
                p.setString(1, message.value());
                p.setString(2, group.value());
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** The groups where {@code member} has a read mark. */
    public List<GroupId> groupsWithMark(PeerId member) {
        return db.read(txn -> {
            try (PreparedStatement p = txn.prepare("SELECT group_id FROM group_reads WHERE peer_id = ?")) {
                p.setString(1, member.value());
                List<GroupId> out = new ArrayList<>();
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) out.add(GroupId.of(rs.getString(1)));
                }
                return out;
            }
        });
    }

    /** The last shown message of the group in display order, if any. */
    public Optional<GroupMessageId> latestShown(GroupId group) {
        return db.read(txn -> {
            try (PreparedStatement p = txn.prepare("SELECT message_id FROM group_messages WHERE group_id = ? AND hidden = 0 "
                    + "ORDER BY lamport DESC, author_key DESC, seq DESC LIMIT 1")) {
                p.setString(1, group.value());
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? Optional.of(GroupMessageId.of(rs.getString(1))) : Optional.<GroupMessageId>empty();
                }
            }
        });
    }

    /** The other members (never the message's author) whose read mark is at or after {@code message}, by peer id. */
    public List<PeerId> readBy(GroupMessageId message) {
        return db.read(txn -> {
            try (PreparedStatement p = txn.prepare("SELECT r.peer_id, m.author_key FROM group_reads r JOIN group_messages m "
                    + "ON m.message_id = ? AND r.group_id = m.group_id JOIN group_messages rm ON rm.message_id = r.message_id "
                    + "WHERE (rm.lamport, rm.author_key, rm.seq) >= (m.lamport, m.author_key, m.seq) ORDER BY r.peer_id")) {
                p.setString(1, message.value());
                List<PeerId> out = new ArrayList<>();
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        PeerId peer = PeerId.of(rs.getString(1));
                        if (!peer.equals(me) && !IdentityKey.fromRaw(rs.getBytes(2)).peerId().equals(peer)) out.add(peer);
                    }
                }
                return out;
            }
        });
    }
}
