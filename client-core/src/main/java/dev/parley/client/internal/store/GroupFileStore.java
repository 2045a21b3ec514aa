package dev.parley.client.internal.store;

import dev.parley.client.GroupFile;
import dev.parley.client.GroupFileOffer;
import dev.parley.client.GroupFileState;
import dev.parley.client.internal.Ids;
import dev.parley.client.internal.files.FileNames;
import dev.parley.client.internal.store.event.GroupFileChanged;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.GroupMessageId;
import dev.parley.protocol.swarm.SwarmOffer;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Group files' records (schema 7, {@code group_files}): one row per file this member was offered or
 * shared, written with its app event ({@link GroupFileChanged}) in one transaction, like
 * {@link TransferStore}'s. The pieces themselves live in the part file and its bitmap
 * ({@code internal.files.VerifiedPieces}). Thread-safe like the database; every method is one transaction.
 */
public final class GroupFileStore {
    /** One row as stored; {@code offer} is the signed post's body, {@code path} as in {@link GroupFile}. */
    public record Row(GroupMessageId file, GroupId group, PeerId from, String offer, GroupFileState state, String path) {
        public Row {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(offer, "offer");
            Objects.requireNonNull(state, "state");
        }
    }

    private static final String COLUMNS = "file_id, group_id, from_peer, offer, state, path";

    private final Database db;

    GroupFileStore(Database db) {
        this.db = db;
    }

    /** The app's view of an offer: the name and media type made safe, as for 1:1 files. */
    public static GroupFileOffer offer(GroupMessageId file, GroupId group, PeerId from, SwarmOffer o) {
        return new GroupFileOffer(Ids.app(file), Ids.app(group), Ids.app(from), FileNames.sanitize(o.name()), o.size(),
                FileNames.sanitizeMediaType(o.mediaType()), o.sha256());
    }

    /**
     * Records a file once (a second call for the same id changes nothing and returns false). The body
     * must be a valid offer: the swarm only records what it parsed.
     */
    public boolean record(Row r) {
        GroupFile app = app(r).orElseThrow(() -> new IllegalArgumentException("not a group file offer: " + r.file().shortForm()));
        return db.write(txn -> {
            long now = db.clock().millis();
            try (PreparedStatement p = txn.prepare("INSERT INTO group_files (" + COLUMNS + ", created_at, updated_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (file_id) DO NOTHING")) {
                p.setString(1, r.file().value());
                p.setString(2, r.group().value());
                p.setString(3, r.from().value());
                p.setString(4, r.offer());
                p.setString(5, r.state().name());
                p.setString(6, r.path());
                p.setLong(7, now);
                p.setLong(8, now);
                if (p.executeUpdate() != 1) return false;
            }
            txn.attach(new GroupFileChanged(app));
            return true;
        });
    }

    /**
     * Moves a file to {@code state} with {@code path}. A final state ({@link GroupFileState#isFinal}) is
     * never left, and nothing changes (false, no event) when both are what is stored. Throws for an unknown id.
     */
    public boolean update(GroupMessageId file, GroupFileState state, String path) {
        Objects.requireNonNull(state, "state");
        return db.write(txn -> {
            Row now = find(txn, file).orElseThrow(() -> new IllegalArgumentException("no group file " + file.shortForm()));
            if (now.state().isFinal() && now.state() != state) return false;
            if (now.state() == state && Objects.equals(now.path(), path)) return false;
            try (PreparedStatement p = txn.prepare("UPDATE group_files SET state = ?, path = ?, updated_at = ? WHERE file_id = ?")) {
                p.setString(1, state.name());
                p.setString(2, path);
                p.setLong(3, db.clock().millis());
                p.setString(4, file.value());
                p.executeUpdate();
            }
            txn.attach(new GroupFileChanged(app(new Row(now.file(), now.group(), now.from(), now.offer(), state, path)).orElseThrow()));
            return true;
        });
    }

    /** Keeps the piece hashes (already checked against the offer's root). No event: the state did not change. */
    public void saveLayer(GroupMessageId file, byte[] layer) {
        db.write(txn -> {
            try (PreparedStatement p = txn.prepare("UPDATE group_files SET layer = ? WHERE file_id = ?")) {
                p.setBytes(1, layer);
                p.setString(2, file.value());
                if (p.executeUpdate() != 1) throw new IllegalArgumentException("no group file " + file.shortForm());
            }
            return null;
        });
    }

    public Optional<byte[]> layer(GroupMessageId file) {
        return db.read(txn -> {
            try (PreparedStatement p = txn.prepare("SELECT layer FROM group_files WHERE file_id = ?")) {
                p.setString(1, file.value());
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getBytes(1)) : Optional.<byte[]>empty();
                }
            }
        });
    }

    /** Every row, oldest first (what the swarm reads back on start). */
    public List<Row> rows() {
        return db.read(txn -> {
            try (PreparedStatement p = txn.prepare("SELECT " + COLUMNS + " FROM group_files ORDER BY created_at, rowid");
                 ResultSet rs = p.executeQuery()) {
                List<Row> out = new ArrayList<>();
                while (rs.next()) out.add(row(rs));
                return out;
            }
        });
    }

    /** The app's view of one file, if recorded. */
    public Optional<GroupFile> get(GroupMessageId file) {
        return db.read(txn -> find(txn, file)).flatMap(GroupFileStore::app);
    }

    private static Optional<Row> find(Txn txn, GroupMessageId file) throws SQLException {
        try (PreparedStatement p = txn.prepare("SELECT " + COLUMNS + " FROM group_files WHERE file_id = ?")) {
            p.setString(1, file.value());
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(GroupMessageId.of(rs.getString(1)), GroupId.of(rs.getString(2)), PeerId.of(rs.getString(3)), rs.getString(4),
                GroupFileState.valueOf(rs.getString(5)), rs.getString(6));
    }

    private static Optional<GroupFile> app(Row r) {
        return SwarmOffer.parse(r.offer()).map(o -> new GroupFile(offer(r.file(), r.group(), r.from(), o), r.state(),
                r.path() == null ? null : Path.of(r.path())));
    }
}
