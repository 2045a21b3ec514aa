package dev.parley.client.internal.store;

import dev.parley.client.CallId;
import dev.parley.client.GroupCallRecord;
import dev.parley.client.GroupId;
import dev.parley.client.PeerId;
import dev.parley.client.internal.store.event.GroupCallRecorded;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Group calls in each group's history (schema 6): joined ones with this member's time in them and
 * whom it met, missed ones. One row per call, written with its app event in one transaction.
 * Thread-safe like the database.
 */
public final class GroupCallStore {
    private final Database db;

    GroupCallStore(Database db) {
        this.db = db;
    }

    /** Records the call once; again (the same call id) changes nothing. False also for a group this profile does not hold. */
    public boolean record(GroupCallRecord r) {
        return db.write(txn -> {
            try (PreparedStatement p = txn.prepare("SELECT 1 FROM groups WHERE group_id = ?")) {
                p.setString(1, r.group().value());
                try (ResultSet rs = p.executeQuery()) {
                    if (!rs.next()) return false;
                }
            }
            try (PreparedStatement p = txn.prepare("INSERT INTO group_calls (call_id, group_id, started_at, ended_at, joined, "
                    + "in_call_ms, with_peers) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (call_id) DO NOTHING")) {
                p.setString(1, r.call().value().toString());
                p.setString(2, r.group().value());
                p.setLong(3, r.startedAt().toEpochMilli());
                p.setLong(4, r.endedAt().toEpochMilli());
                p.setInt(5, r.joined() ? 1 : 0);
                p.setLong(6, r.inCall().toMillis());
                p.setString(7, String.join(" ", r.with().stream().map(PeerId::value).toList()));
                if (p.executeUpdate() != 1) return false;
            }
            txn.attach(new GroupCallRecorded(r));
            return true;
        });
    }

    /** The group's recorded calls, newest first, at most {@code limit}. */
    public List<GroupCallRecord> list(GroupId group, int limit) {
        return db.read(txn -> {
            try (PreparedStatement p = txn.prepare(SELECT + " WHERE group_id = ? ORDER BY started_at DESC, call_id LIMIT ?")) {
                p.setString(1, group.value());
                p.setInt(2, limit);
                List<GroupCallRecord> out = new ArrayList<>();
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) out.add(row(rs));
                }
                return out;
            }
        });
    }

    public Optional<GroupCallRecord> get(CallId call) {
        return db.read(txn -> {
            try (PreparedStatement p = txn.prepare(SELECT + " WHERE call_id = ?")) {
                p.setString(1, call.value().toString());
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? Optional.of(row(rs)) : Optional.<GroupCallRecord>empty();
                }
            }
        });
    }

    private static final String SELECT = "SELECT call_id, group_id, started_at, ended_at, joined, in_call_ms, with_peers FROM group_calls";

    private static GroupCallRecord row(ResultSet rs) throws SQLException {
        String with = rs.getString(7);
        List<PeerId> peers = with.isEmpty() ? List.of() : Arrays.stream(with.split(" ")).map(PeerId::of).toList();
        return new GroupCallRecord(GroupId.of(rs.getString(2)), new CallId(UUID.fromString(rs.getString(1))),
                Instant.ofEpochMilli(rs.getLong(3)), Instant.ofEpochMilli(rs.getLong(4)), rs.getInt(5) == 1,
                Duration.ofMillis(rs.getLong(6)), peers);
    }
}
