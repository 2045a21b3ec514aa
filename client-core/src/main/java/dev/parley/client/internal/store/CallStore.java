package dev.parley.client.internal.store;

import dev.parley.client.internal.Ids;
import dev.parley.client.CallEndReason;
import dev.parley.client.CallId;
import dev.parley.client.CallRecord;
import dev.parley.client.Direction;
import dev.parley.protocol.PeerId;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Finished calls, for the conversation history (missed calls, durations). Thread-safe like the database. */
public final class CallStore {
    private final Database db;

    CallStore(Database db) {
        this.db = db;
    }

    /** Records a finished call once; recording the same call again changes nothing. False for a peer that is not a contact. */
    public boolean record(CallRecord r) {
        return db.write(txn -> {
            Long contact;
            try (PreparedStatement p = txn.prepare("SELECT contact_id FROM contacts WHERE peer_id = ?")) {
                p.setString(1, r.peer().value());
                try (ResultSet rs = p.executeQuery()) {
                    contact = rs.next() ? rs.getLong(1) : null;
                }
            }
            if (contact == null) return false;
            try (PreparedStatement p = txn.prepare("INSERT INTO calls (call_id, contact_id, direction, reason, ended_locally, "
                    + "started_at, answered_at, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (call_id) DO NOTHING")) {
                p.setString(1, r.callId().value().toString());
                p.setLong(2, contact);
                p.setString(3, r.direction().name());
                p.setString(4, r.reason().name());
                p.setInt(5, r.endedLocally() ? 1 : 0);
                p.setLong(6, r.startedAt().toEpochMilli());
                if (r.answeredAt() == null) p.setNull(7, java.sql.Types.INTEGER);
                else p.setLong(7, r.answeredAt().toEpochMilli());
                p.setLong(8, r.endedAt().toEpochMilli());
                if (p.executeUpdate() != 1) return false;
            }
            txn.attach(new dev.parley.client.internal.store.event.CallRecorded(r));
            return true;
        });
    }

    /** Calls with {@code peer}, newest first, at most {@code limit}. */
    public List<CallRecord> list(PeerId peer, int limit) {
        return db.read(txn -> {
            try (PreparedStatement p = txn.prepare("SELECT k.call_id, k.direction, k.reason, k.ended_locally, k.started_at, "
                    + "k.answered_at, k.ended_at FROM calls k JOIN contacts c USING (contact_id) WHERE c.peer_id = ? "
                    + "ORDER BY k.started_at DESC LIMIT ?")) {
                p.setString(1, peer.value());
                p.setInt(2, limit);
                List<CallRecord> out = new ArrayList<>();
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) out.add(row(rs, peer));
                }
                return out;
            }
        });
    }

    /** One recorded call. */
    public java.util.Optional<CallRecord> get(CallId id) {
        return db.read(txn -> {
            try (PreparedStatement p = txn.prepare("SELECT k.call_id, k.direction, k.reason, k.ended_locally, k.started_at, "
                    + "k.answered_at, k.ended_at, c.peer_id FROM calls k JOIN contacts c USING (contact_id) WHERE k.call_id = ?")) {
                p.setString(1, id.value().toString());
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? java.util.Optional.of(row(rs, PeerId.of(rs.getString(8)))) : java.util.Optional.<CallRecord>empty();
                }
            }
        });
    }

    private static CallRecord row(ResultSet rs, PeerId peer) throws SQLException {
        long answered = rs.getLong(6);
        Instant answeredAt = rs.wasNull() ? null : Instant.ofEpochMilli(answered);
        return new CallRecord(new CallId(UUID.fromString(rs.getString(1))), Ids.app(peer), Direction.valueOf(rs.getString(2)),
                CallEndReason.valueOf(rs.getString(3)), rs.getInt(4) == 1, Instant.ofEpochMilli(rs.getLong(5)), answeredAt,
                Instant.ofEpochMilli(rs.getLong(7)));
    }
}
