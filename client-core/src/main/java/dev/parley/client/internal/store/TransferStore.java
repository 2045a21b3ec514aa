package dev.parley.client.internal.store;

import dev.parley.client.internal.Ids;
import dev.parley.client.TransferId;
import dev.parley.client.TransferState;
import dev.parley.client.Transfer;
import dev.parley.client.Direction;
import dev.parley.client.internal.store.event.TransferChanged;
import dev.parley.protocol.PeerId;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Durable records of file transfers, so an interrupted transfer resumes from its last verified
 * offset after a restart. Thread-safe (see {@link Database}); every method is one transaction.
 */
public final class TransferStore {
    public static final int MAX_NAME_CHARS = 255;
    private static final String COLUMNS = "t.transfer_id, t.direction, c.peer_id, t.name, t.size, t.media_type, t.sha256, "
            + "t.state, t.verified_offset, t.created_at, t.updated_at";
    private static final String FROM = " FROM transfers t JOIN contacts c USING (contact_id) ";

    private final Database db;

    public TransferStore(Database db) {
        this.db = Objects.requireNonNull(db);
    }

    /**
     * Records a new transfer in state OFFERED. {@code name} must be a plain file name (no path
     * separators, no control characters, not "." or "..", at most 255 characters); the files layer
     * decides how to sanitize what a peer sends before calling this.
     */
    public Transfer create(TransferId id, Direction direction, PeerId peer, String name, long size, String mediaType,
                           String sha256Hex, String partPath) {
        checkName(name);
        Transfer draft = new Transfer(id, direction, Ids.app(peer), name, size, mediaType, sha256Hex, TransferState.OFFERED, 0,
                Instant.EPOCH, Instant.EPOCH);
        return db.write(txn -> {
            long contact = ContactStore.contactRowOf(txn, peer);
            long now = db.clock().millis();
            try (PreparedStatement p = txn.prepare("INSERT INTO transfers (transfer_id, contact_id, direction, name, size, "
                    + "media_type, sha256, state, verified_offset, part_path, created_at, updated_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)")) {
                p.setString(1, id.toString());
                p.setLong(2, contact);
                p.setString(3, direction.name());
                p.setString(4, name);
                p.setLong(5, size);
                p.setString(6, draft.mediaType());
                p.setBytes(7, HexFormat.of().parseHex(sha256Hex));
                p.setString(8, TransferState.OFFERED.name());
                p.setString(9, partPath);
                p.setLong(10, now);
                p.setLong(11, now);
                p.executeUpdate();
            } catch (SQLException e) {
                if (SqliteErrors.isDuplicateKey(e)) {
                    throw new IllegalStateException("a transfer with id " + id + " already exists");
                }
                throw e;
            }
            Transfer t = find(txn, id).orElseThrow();
            txn.attach(new TransferChanged(t));
            return t;
        });
    }

    public Optional<Transfer> get(TransferId id) {
        return db.read(txn -> find(txn, id));
    }

    /** Transfers with {@code peer}, oldest first. */
    public List<Transfer> list(PeerId peer) {
        return db.read(txn -> {
            try (PreparedStatement p = txn.prepare("SELECT " + COLUMNS + FROM + "WHERE c.peer_id = ? ORDER BY t.created_at, t.rowid")) {
                p.setString(1, peer.value());
                return list(p);
            }
        });
    }

    /** Transfers not in a final state, oldest first: what to resume or offer again after a restart. */
    public List<Transfer> unfinished() {
        return db.read(txn -> {
            try (PreparedStatement p = txn.prepare("SELECT " + COLUMNS + FROM
                    + "WHERE t.state NOT IN ('COMPLETED', 'REJECTED', 'CANCELLED', 'FAILED') ORDER BY t.created_at, t.rowid")) {
                return list(p);
            }
        });
    }

    /**
     * Moves a transfer to {@code state}. A final state is never left: returns false (and changes
     * nothing) if the transfer is already final. Throws for an unknown id.
     */
    public boolean updateState(TransferId id, TransferState state) {
        Objects.requireNonNull(state, "state");
        return db.write(txn -> {
            Transfer t = find(txn, id).orElseThrow(() -> new IllegalArgumentException("no transfer " + id));
            if (t.state().isFinal() || t.state() == state) return false;
            try (PreparedStatement p = txn.prepare("UPDATE transfers SET state = ?, updated_at = ? WHERE transfer_id = ?")) {
                p.setString(1, state.name());
                p.setLong(2, db.clock().millis());
                p.setString(3, id.toString());
                p.executeUpdate();
            }
            txn.attach(new TransferChanged(find(txn, id).orElseThrow()));
            return true;
        });
    }

    /**
     * Records that the first {@code offset} bytes of the part file are verified and on disk. Only
     * moves forward (an older offset arriving late is ignored, returns false); beyond the size throws.
     */
    public boolean updateVerifiedOffset(TransferId id, long offset) {
        if (offset < 0) throw new IllegalArgumentException("offset must be >= 0");
        return db.write(txn -> {
            Transfer t = find(txn, id).orElseThrow(() -> new IllegalArgumentException("no transfer " + id));
            if (offset > t.size()) throw new IllegalArgumentException("offset " + offset + " is beyond the size " + t.size());
            try (PreparedStatement p = txn.prepare("UPDATE transfers SET verified_offset = ?, updated_at = ? "
                    + "WHERE transfer_id = ? AND verified_offset < ?")) {
                p.setLong(1, offset);
                p.setLong(2, db.clock().millis());
                p.setString(3, id.toString());
                p.setLong(4, offset);
                return p.executeUpdate() == 1;
            }
        });
    }

    /**
     * Where the transfer's bytes live: the part file while it runs (the source file for an outgoing
     * one), the saved file once an incoming one completed; empty if unknown or cleared. Internal to
     * the transfer engine, hence not in {@link Transfer}.
     */
    public Optional<String> partPath(TransferId id) {
        return db.read(txn -> {
            try (PreparedStatement p = txn.prepare("SELECT part_path FROM transfers WHERE transfer_id = ?")) {
                p.setString(1, id.toString());
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /** Sets or clears where the partial file lives. */
    public void updatePartPath(TransferId id, String partPath) {
        db.write(txn -> {
            try (PreparedStatement p = txn.prepare("UPDATE transfers SET part_path = ?, updated_at = ? WHERE transfer_id = ?")) {
                p.setString(1, partPath);
                p.setLong(2, db.clock().millis());
                p.setString(3, id.toString());
                if (p.executeUpdate() == 0) throw new IllegalArgumentException("no transfer " + id);
            }
            return null;
        });
    }

    public boolean delete(TransferId id) {
        return db.write(txn -> {
            try (PreparedStatement p = txn.prepare("DELETE FROM transfers WHERE transfer_id = ?")) {
                p.setString(1, id.toString());
                return p.executeUpdate() == 1;
            }
        });
    }

    static void checkName(String name) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("a file name is required");
        if (name.length() > MAX_NAME_CHARS) throw new IllegalArgumentException("file name longer than " + MAX_NAME_CHARS);
        if (name.equals(".") || name.equals("..")) throw new IllegalArgumentException("not a file name: " + name);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '\\' || Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                throw new IllegalArgumentException("file name contains a path separator or control character");
            }
        }
    }

    private Optional<Transfer> find(Txn txn, TransferId id) throws SQLException {
        try (PreparedStatement p = txn.prepare("SELECT " + COLUMNS + FROM + "WHERE t.transfer_id = ?")) {
            p.setString(1, id.toString());
            List<Transfer> l = list(p);
            return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
        }
    }

    private static List<Transfer> list(PreparedStatement p) throws SQLException {
        List<Transfer> out = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                out.add(new Transfer(
                        new TransferId(java.util.UUID.fromString(rs.getString("transfer_id"))),
                        Direction.valueOf(rs.getString("direction")),
                        dev.parley.client.PeerId.of(rs.getString("peer_id")),
                        rs.getString("name"),
                        rs.getLong("size"),
                        rs.getString("media_type"),
                        HexFormat.of().formatHex(rs.getBytes("sha256")),
                        TransferState.valueOf(rs.getString("state")),
                        rs.getLong("verified_offset"),
                        Instant.ofEpochMilli(rs.getLong("created_at")),
                        Instant.ofEpochMilli(rs.getLong("updated_at"))));
            }
        }
        return out;
    }
}
