package dev.parley.client.internal.store;

import dev.parley.client.internal.store.event.CallRecorded;
import dev.parley.client.internal.store.event.GroupCallRecorded;
import dev.parley.client.internal.store.event.GroupFileChanged;
import dev.parley.client.internal.store.event.ContactAdded;
import dev.parley.client.internal.store.event.ContactKeyChanged;
import dev.parley.client.internal.store.event.ContactRemoved;
import dev.parley.client.internal.store.event.ContactUpdated;
import dev.parley.client.internal.store.event.ContactVerified;
import dev.parley.client.internal.store.event.GroupInvited;
import dev.parley.client.internal.store.event.GroupMemberChanged;
import dev.parley.client.internal.store.event.GroupMessageAdded;
import dev.parley.client.internal.store.event.GroupMessageDelivered;
import dev.parley.client.internal.store.event.GroupMessageRead;
import dev.parley.client.internal.store.event.GroupMessageVisibility;
import dev.parley.client.internal.store.event.GroupRenamed;
import dev.parley.client.internal.store.event.MessageAdded;
import dev.parley.client.internal.store.event.MessageStateChanged;
import dev.parley.client.internal.store.event.StoreEvent;
import dev.parley.client.internal.store.event.TransferChanged;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The app's event log: every store event gets a row (and so its number, {@code seq}) in the same
 * transaction as the change it describes, and the app's acknowledged cursor is kept beside it.
 * Rows hold a reference (message id, peer id, transfer id, call id) and, for state changes, the
 * state; replay rebuilds the event from the referenced row. Rows at or below the cursor are pruned.
 */
public final class EventLog {
    /** One logged event: {@code ref} names the changed row; {@code state} is set for message state changes. */
    public record Entry(long seq, Kind kind, String ref, String state) {}

    /** What changed. */
    public enum Kind { MESSAGE_ADDED, MESSAGE_STATE, CONTACT_CHANGED, CONTACT_REMOVED, TRANSFER_CHANGED, CALL_RECORDED,
        GROUP_INVITED, GROUP_MESSAGE, GROUP_MEMBER, GROUP_DELIVERED, GROUP_READ, GROUP_VISIBILITY, GROUP_RENAMED,
        GROUP_CALL_RECORDED, GROUP_FILE }

    private final Database db;

    EventLog(Database db) {
        this.db = db;
    }

    static long append(Txn txn, StoreEvent e, long nowMs) throws SQLException {
        Kind kind;
        String ref;
        String state = null;
        if (e instanceof MessageAdded a) {
            kind = Kind.MESSAGE_ADDED;
            ref = a.message().id().toString();
        } else if (e instanceof MessageStateChanged c) {
            kind = Kind.MESSAGE_STATE;
            ref = c.id().toString();
            state = c.state().name();
        } else if (e instanceof ContactAdded a) {
            kind = Kind.CONTACT_CHANGED;
            ref = a.contact().peerId().value();
        } else if (e instanceof ContactKeyChanged k) {
            kind = Kind.CONTACT_CHANGED;
            ref = k.contact().peerId().value();
        } else if (e instanceof ContactVerified v) {
            kind = Kind.CONTACT_CHANGED;
            ref = v.contact().peerId().value();
        } else if (e instanceof ContactUpdated u) {
            kind = Kind.CONTACT_CHANGED;
            ref = u.contact().peerId().value();
        } else if (e instanceof ContactRemoved r) {
            kind = Kind.CONTACT_REMOVED;
            ref = r.peerId().value();
        } else if (e instanceof TransferChanged t) {
            kind = Kind.TRANSFER_CHANGED;
            ref = t.transfer().id().toString();
        } else if (e instanceof CallRecorded c) {
            kind = Kind.CALL_RECORDED;
            ref = c.record().callId().value().toString();
        } else if (e instanceof GroupCallRecorded g) {
            kind = Kind.GROUP_CALL_RECORDED;
            ref = g.record().call().value().toString();
        } else if (e instanceof GroupFileChanged g) {
            kind = Kind.GROUP_FILE;
            ref = g.file().id().value();
        } else if (e instanceof GroupInvited g) {
            kind = Kind.GROUP_INVITED;
            ref = g.group().value();
            state = g.from() == null ? null : g.from().value();
        } else if (e instanceof GroupMessageAdded g) {
            kind = Kind.GROUP_MESSAGE;
            ref = g.post().id().value();
        } else if (e instanceof GroupMemberChanged g) {
            // Rebuilt from the row alone: the member and the change ride in state.
            kind = Kind.GROUP_MEMBER;
            ref = g.group().value();
            state = g.change().name() + ":" + g.member().value();
        } else if (e instanceof GroupMessageDelivered d) {
            // Receipts too ride in state (group:member), so replay needs no row.
            kind = Kind.GROUP_DELIVERED;
            ref = d.message().value();
            state = d.group().value() + ":" + d.member().value();
        } else if (e instanceof GroupMessageRead r) {
            kind = Kind.GROUP_READ;
            ref = r.upTo().value();
            state = r.group().value() + ":" + r.member().value();
        } else if (e instanceof GroupMessageVisibility v) {
            kind = Kind.GROUP_VISIBILITY;
            ref = v.post().id().value();
            state = v.shown() ? "SHOWN" : "HIDDEN";
        } else if (e instanceof GroupRenamed r) {
            // Rebuilt from the row alone: the name it got then, whatever it is now.
            kind = Kind.GROUP_RENAMED;
            ref = r.group().value();
            state = r.name();
        } else {
            throw new IllegalArgumentException("no log kind for " + e);
        }
        try (PreparedStatement p = txn.prepare("INSERT INTO app_events (kind, ref, state, created_at) VALUES (?, ?, ?, ?) RETURNING seq")) {
            p.setString(1, kind.name());
            p.setString(2, ref);
            p.setString(3, state);
            p.setLong(4, nowMs);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The highest number given so far (0 when none). */
    public long latestSeq() {
        return db.read(txn -> {
            try (PreparedStatement p = txn.prepare("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'app_events'), 0)");
                 ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** How far the app has acknowledged. */
    public long ackedSeq() {
        return db.read(txn -> {
            try (PreparedStatement p = txn.prepare("SELECT acked_seq FROM app_cursor WHERE id = 1");
                 ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    /** Moves the cursor forward to {@code seq} (never back) and prunes what it passed, durably. */
    public void ack(long seq) {
        db.write(txn -> {
            try (PreparedStatement p = txn.prepare("UPDATE app_cursor SET acked_seq = ? WHERE id = 1 AND acked_seq < ?")) {
                p.setLong(1, seq);
                p.setLong(2, seq);
                if (p.executeUpdate() == 0) return null;
            }
            try (PreparedStatement p = txn.prepare("DELETE FROM app_events WHERE seq <= ?")) {
                p.setLong(1, seq);
                p.executeUpdate();
            }
            return null;
        });
    }

    /** Logged events after {@code seq}, oldest first, at most {@code limit}. */
    public List<Entry> after(long seq, int limit) {
        return db.read(txn -> {
            try (PreparedStatement p = txn.prepare("SELECT seq, kind, ref, state FROM app_events WHERE seq > ? ORDER BY seq LIMIT ?")) {
                p.setLong(1, seq);
                p.setInt(2, limit);
                List<Entry> out = new ArrayList<>();
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) out.add(new Entry(rs.getLong(1), Kind.valueOf(rs.getString(2)), rs.getString(3), rs.getString(4)));
                }
                return out;
            }
        });
    }
}
