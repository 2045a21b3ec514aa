package dev.parley.client.internal.store;

import dev.parley.client.Direction;
import dev.parley.client.GroupMember;
import dev.parley.client.GroupPost;
import dev.parley.client.internal.Ids;
import dev.parley.client.internal.store.event.GroupInvited;
import dev.parley.client.internal.store.event.GroupMemberChanged;
import dev.parley.client.internal.store.event.GroupMessageAdded;
import dev.parley.client.internal.store.event.GroupMessageDelivered;
import dev.parley.client.internal.store.event.GroupMessageVisibility;
import dev.parley.client.internal.store.event.GroupRenamed;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.IdentityKey;
import dev.parley.protocol.codec.WireCodec;
import dev.parley.protocol.codec.WireException;
import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.GroupMessage;
import dev.parley.protocol.group.GroupMessageId;
import dev.parley.protocol.group.RosterOp;
import dev.parley.protocol.peer.GroupPosts;
import dev.parley.protocol.peer.GroupRoster;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Groups, their roster operations and messages, the per-group outbox and who stored which message
 * (schema 4). Signed records are kept as their wire JSON; the group layer re-offers them on open. The
 * store does not judge records: the group layer stores only what it accepted. Thread-safe like the
 * database.
 */
public final class GroupStore {
    /** Where this member stands with a group. */
    public enum Status { INVITED, JOINED, LEFT }

    public record GroupRow(GroupId id, String name, Status status, PeerId invitedBy, long createdAt, long updatedAt) {}

    /** A membership change to announce with the operations that made it. */
    public record MemberChange(PeerId member, GroupMember.Change change) {}

    private static final WireCodec CODEC = WireCodec.standard();
    private final Database db;
    private final IdentityKey myKey;

    GroupStore(Database db, IdentityKey myKey) {
        this.db = db;
        this.myKey = myKey;
    }

    /**
     * Records the group (once; false if known) with its first operations. An {@code INVITED} group
     * announces the invitation ({@link GroupInvited}) in the same transaction.
     */
    public boolean addGroup(GroupId id, String name, Status status, PeerId invitedBy, List<RosterOp> ops) {
        return db.write(txn -> {
            try (PreparedStatement p = txn.prepare("INSERT INTO groups (group_id, name, status, invited_by, created_at, updated_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (group_id) DO NOTHING")) {
                p.setString(1, id.value());
                p.setString(2, name);
                p.setString(3, status.name());
                p.setString(4, invitedBy == null ? null : invitedBy.value());
                p.setLong(5, db.clock().millis());
                p.setLong(6, db.clock().millis());
                if (p.executeUpdate() == 0) return false;
            }
            insertOps(txn, id, ops);
            if (status == Status.INVITED) txn.attach(new GroupInvited(id, name, invitedBy));
            return true;
        });
    }

    /** Sets the group's name; a change is announced ({@link GroupRenamed}). */
    public void setName(GroupId id, String name) {
        db.write(txn -> {
            setName(txn, id, name);
            return null;
        });
    }

    private void setName(Txn txn, GroupId id, String name) throws SQLException {
        try (PreparedStatement p = txn.prepare("UPDATE groups SET name = ?, updated_at = ? WHERE group_id = ? AND name IS NOT ?")) {
            p.setString(1, name);
            p.setLong(2, db.clock().millis());
            p.setString(3, id.value());
            p.setString(4, name);
            if (p.executeUpdate() == 1) txn.attach(new GroupRenamed(id, name));
        }
    }

    /**
     * What kept roster operations did, in one transaction (so a crash leaves all of it or none): the
     * operations with the membership changes they made, messages hidden or shown again, messages
     * that waited for them and are now accepted, and the group's name.
     */
    public void applyRoster(GroupId id, Collection<RosterOp> ops, List<MemberChange> changes, Collection<GroupMessageId> hidden,
                            Collection<GroupMessageId> shown, List<GroupMessage> released, String name) {
        db.write(txn -> {
            insertOps(txn, id, ops);
            for (MemberChange c : changes) txn.attach(new GroupMemberChanged(id, c.member(), c.change()));
            setHidden(txn, hidden, true);
            setHidden(txn, shown, false);
            insertMessages(txn, id, released, false);
            if (name != null) setName(txn, id, name);
            return null;
        });
    }

    public boolean setStatus(GroupId id, Status status) {
        return db.write(txn -> {
            try (PreparedStatement p = txn.prepare("UPDATE groups SET status = ?, updated_at = ? WHERE group_id = ? AND status <> ?")) {
                p.setString(1, status.name());
                p.setLong(2, db.clock().millis());
                p.setString(3, id.value());
                p.setString(4, status.name());
                return p.executeUpdate() == 1;
            }
        });
    }

    /** Forgets a group and everything in it (a declined invitation). */
    public boolean delete(GroupId id) {
        return db.write(txn -> {
            try (PreparedStatement p = txn.prepare("DELETE FROM groups WHERE group_id = ?")) {
                p.setString(1, id.value());
                return p.executeUpdate() == 1;
            }
        });
    }

    public Optional<GroupRow> group(GroupId id) {
        return db.read(txn -> {
            try (PreparedStatement p = txn.prepare("SELECT group_id, name, status, invited_by, created_at, updated_at FROM groups WHERE group_id = ?")) {
                p.setString(1, id.value());
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? Optional.of(groupRow(rs)) : Optional.<GroupRow>empty();
                }
            }
        });
    }

    /** Every group, oldest first. */
    public List<GroupRow> groups() {
        return db.read(txn -> {
            try (PreparedStatement p = txn.prepare("SELECT group_id, name, status, invited_by, created_at, updated_at FROM groups ORDER BY created_at, group_id");
                 ResultSet rs = p.executeQuery()) {
                List<GroupRow> out = new ArrayList<>();
                while (rs.next()) out.add(groupRow(rs));
                return out;
            }
        });
    }

    private static GroupRow groupRow(ResultSet rs) throws SQLException {
        String by = rs.getString(4);
        return new GroupRow(GroupId.of(rs.getString(1)), rs.getString(2), Status.valueOf(rs.getString(3)),
                by == null ? null : PeerId.of(by), rs.getLong(5), rs.getLong(6));
    }

    // ---- roster ----------------------------------------------------------------------------------

    /** Stores kept operations (ones already stored are skipped) and announces the membership changes they made. */
    public void addOps(GroupId id, Collection<RosterOp> ops, List<MemberChange> changes) {
        if (ops.isEmpty()) return;
        db.write(txn -> {
            insertOps(txn, id, ops);
            for (MemberChange c : changes) txn.attach(new GroupMemberChanged(id, c.member(), c.change()));
            return null;
        });
    }

    private void insertOps(Txn txn, GroupId id, Collection<RosterOp> ops) throws SQLException {
        try (PreparedStatement p = txn.prepare("INSERT INTO group_ops (op_id, group_id, lamport, record, stored_at) "
                + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (op_id) DO NOTHING")) {
            for (RosterOp op : ops) {
                p.setString(1, op.id().value());
                p.setString(2, id.value());
                p.setLong(3, op.lamport());
                p.setString(4, CODEC.encodePeer(new GroupRoster(id, List.of(op))));
                p.setLong(5, db.clock().millis());
                p.executeUpdate();
            }
        }
    }

    /** The group's operations, by clock (each after its prev, so they are kept in one pass). */
    public List<RosterOp> ops(GroupId id) {
        return db.read(txn -> {
            try (PreparedStatement p = txn.prepare("SELECT record FROM group_ops WHERE group_id = ? ORDER BY lamport, op_id")) {
                p.setString(1, id.value());
                List<RosterOp> out = new ArrayList<>();
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) out.add(((GroupRoster) decode(rs.getString(1))).ops().get(0));
                }
                return out;
            }
        });
    }

    // ---- messages --------------------------------------------------------------------------------

    /**
     * Stores accepted messages in one transaction; {@code ours} puts them in the group's outbox too.
     * Returns the ones newly stored (a message already stored is skipped).
     */
    public List<GroupMessage> addMessages(GroupId id, List<GroupMessage> messages, boolean ours) {
        if (messages.isEmpty()) return List.of();
        return db.write(txn -> insertMessages(txn, id, messages, ours));
    }

    private List<GroupMessage> insertMessages(Txn txn, GroupId id, List<GroupMessage> messages, boolean ours) throws SQLException {
        List<GroupMessage> added = new ArrayList<>();
        if (messages.isEmpty()) return added;
        try (PreparedStatement p = txn.prepare("INSERT INTO group_messages (message_id, group_id, author_key, seq, lamport, "
                + "record, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
             PreparedStatement o = txn.prepare("INSERT INTO group_outbox (message_id, group_id, enqueued_at) VALUES (?, ?, ?) "
                     + "ON CONFLICT DO NOTHING")) {
            for (GroupMessage m : messages) {
                String mid = m.id().value();
                p.setString(1, mid);
                p.setString(2, id.value());
                p.setBytes(3, m.author().raw());
                p.setLong(4, m.seq());
                p.setLong(5, m.lamport());
                p.setString(6, CODEC.encodePeer(new GroupPosts(id, List.of(m))));
                p.setLong(7, db.clock().millis());
                if (p.executeUpdate() == 0) continue;
                added.add(m);
                txn.attach(new GroupMessageAdded(post(m)));
                if (ours) {
                    o.setString(1, mid);
                    o.setString(2, id.value());
                    o.setLong(3, db.clock().millis());
                    o.executeUpdate();
                }
            }
        }
        return added;
    }

    /** Marks messages hidden (or shown again) after a roster change; each change is announced ({@link GroupMessageVisibility}). */
    public void setHidden(Collection<GroupMessageId> ids, boolean hidden) {
        if (ids.isEmpty()) return;
        db.write(txn -> {
            setHidden(txn, ids, hidden);
            return null;
        });
    }

    private void setHidden(Txn txn, Collection<GroupMessageId> ids, boolean hidden) throws SQLException {
        if (ids.isEmpty()) return;
        try (PreparedStatement p = txn.prepare("UPDATE group_messages SET hidden = ? WHERE message_id = ? AND hidden <> ? RETURNING record")) {
            for (GroupMessageId m : ids) {
                p.setInt(1, hidden ? 1 : 0);
                p.setString(2, m.value());
                p.setInt(3, hidden ? 1 : 0);
                for (GroupMessage changed : records(p)) txn.attach(new GroupMessageVisibility(post(changed), !hidden));
            }
        }
    }

    /** Every stored message of the group in arrival order (each after its prev and deps). */
    public List<GroupMessage> messages(GroupId id) {
        return db.read(txn -> {
            try (PreparedStatement p = txn.prepare("SELECT record FROM group_messages WHERE group_id = ? ORDER BY local_id")) {
                p.setString(1, id.value());
                return records(p);
            }
        });
    }

    /**
     * Shown messages in display order (lamport, author key bytes, seq), after the position
     * {@code (lamport, authorKey, seq)} when given, at most {@code limit}.
     */
    public List<GroupMessage> history(GroupId id, GroupMessage after, int limit) {
        return db.read(txn -> {
            String sql = "SELECT record FROM group_messages WHERE group_id = ? AND hidden = 0"
                    + (after == null ? "" : " AND (lamport, author_key, seq) > (?, ?, ?)")
                    + " ORDER BY lamport, author_key, seq LIMIT ?";
            try (PreparedStatement p = txn.prepare(sql)) {
                int i = 1;
                p.setString(i++, id.value());
                if (after != null) {
                    p.setLong(i++, after.lamport());
                    p.setBytes(i++, after.author().raw());
                    p.setLong(i++, after.seq());
                }
                p.setInt(i, limit);
                return records(p);
            }
        });
    }

    /** One stored message as the app sees it. */
    public Optional<GroupPost> post(GroupMessageId id) {
        return db.read(txn -> {
            try (PreparedStatement p = txn.prepare("SELECT record FROM group_messages WHERE message_id = ?")) {
                p.setString(1, id.value());
                List<GroupMessage> r = records(p);
                return r.isEmpty() ? Optional.<GroupPost>empty() : Optional.of(post(r.get(0)));
            }
        });
    }

    /** {@code m} as the app sees it. */
    public GroupPost post(GroupMessage m) {
        return new GroupPost(Ids.app(m.group()), Ids.app(m.id()), Ids.app(m.author().peerId()), m.seq(), m.lamport(), Instant.ofEpochMilli(m.timeMs()),
                m.body(), m.author().equals(myKey) ? Direction.OUTGOING : Direction.INCOMING);
    }

    private static List<GroupMessage> records(PreparedStatement p) throws SQLException {
        List<GroupMessage> out = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) out.add(((GroupPosts) decode(rs.getString(1))).messages().get(0));
        }
        return out;
    }

    private static Object decode(String json) throws SQLException {
        try {
            return CODEC.decodePeerStrict(json);
        } catch (WireException e) {
            throw new SQLException("a stored group record does not decode: " + e.getMessage(), e);
        }
    }

    // ---- outbox and deliveries -------------------------------------------------------------------

    /** Our messages no member has acknowledged yet, oldest first. */
    public List<GroupMessageId> outbox(GroupId id) {
        return db.read(txn -> {
            try (PreparedStatement p = txn.prepare("SELECT o.message_id FROM group_outbox o JOIN group_messages m USING (message_id) "
                    + "WHERE o.group_id = ? ORDER BY m.local_id")) {
                p.setString(1, id.value());
                List<GroupMessageId> out = new ArrayList<>();
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) out.add(GroupMessageId.of(rs.getString(1)));
                }
                return out;
            }
        });
    }

    /** Groups with something in the outbox. */
    public List<GroupId> groupsWithOutbox() {
        return db.read(txn -> {
            try (PreparedStatement p = txn.prepare("SELECT DISTINCT group_id FROM group_outbox"); ResultSet rs = p.executeQuery()) {
                List<GroupId> out = new ArrayList<>();
                while (rs.next()) out.add(GroupId.of(rs.getString(1)));
                return out;
            }
        });
    }

    /**
     * {@code member} has stored these messages: recorded as delivered to it, and our own leave the
     * outbox; a first delivery of one of our own is announced ({@link GroupMessageDelivered}) in the
     * same transaction. Returns the ids newly recorded as delivered to that member.
     */
    public List<GroupMessageId> delivered(PeerId member, Collection<GroupMessageId> ids) {
        if (ids.isEmpty()) return List.of();
        return db.write(txn -> {
            List<GroupMessageId> out = new ArrayList<>();
            try (PreparedStatement d = txn.prepare("INSERT INTO group_deliveries (message_id, peer_id, stored_at) "
                    + "SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM group_messages WHERE message_id = ?) ON CONFLICT DO NOTHING");
                 PreparedStatement o = txn.prepare("DELETE FROM group_outbox WHERE message_id = ?");
                 PreparedStatement mine = txn.prepare("SELECT group_id FROM group_messages WHERE message_id = ? AND author_key = ?")) {
                for (GroupMessageId m : ids) {
                    d.setString(1, m.value());
                    d.setString(2, member.value());
                    d.setLong(3, db.clock().millis());
                    d.setString(4, m.value());
                    if (d.executeUpdate() == 1) {
                        out.add(m);
                        mine.setString(1, m.value());
                        mine.setBytes(2, myKey.raw());
                        try (ResultSet rs = mine.executeQuery()) {
                            if (rs.next()) txn.attach(new GroupMessageDelivered(GroupId.of(rs.getString(1)), m, member));
                        }
                    }
                    o.setString(1, m.value());
                    o.executeUpdate();
                }
            }
            return out;
        });
    }

    /**
     * A member's summary shows it holds our chain up to {@code seq}: our messages up to there not yet
     * recorded as delivered to it are recorded now (they reached it through another member's relay).
     */
    public List<GroupMessageId> deliveredThrough(GroupId group, PeerId member, long seq) {
        List<GroupMessageId> ids = db.read(txn -> {
            try (PreparedStatement p = txn.prepare("SELECT m.message_id FROM group_messages m WHERE m.group_id = ? AND m.author_key = ? "
                    + "AND m.seq <= ? AND NOT EXISTS (SELECT 1 FROM group_deliveries d WHERE d.message_id = m.message_id AND d.peer_id = ?) "
                    + "ORDER BY m.seq")) {
                p.setString(1, group.value());
                p.setBytes(2, myKey.raw());
                p.setLong(3, seq);
                p.setString(4, member.value());
                List<GroupMessageId> out = new ArrayList<>();
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) out.add(GroupMessageId.of(rs.getString(1)));
                }
                return out;
            }
        });
        return delivered(member, ids);
    }

    /** The members that have acknowledged storing {@code id}. */
    public List<PeerId> deliveredTo(GroupMessageId id) {
        return db.read(txn -> {
            try (PreparedStatement p = txn.prepare("SELECT peer_id FROM group_deliveries WHERE message_id = ? ORDER BY peer_id")) {
                p.setString(1, id.value());
                List<PeerId> out = new ArrayList<>();
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) out.add(PeerId.of(rs.getString(1)));
                }
                return out;
            }
        });
    }
}
