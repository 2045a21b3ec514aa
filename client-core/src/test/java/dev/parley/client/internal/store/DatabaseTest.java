package dev.parley.client.internal.store;

import dev.parley.client.internal.store.event.ContactRemoved;
import dev.parley.client.internal.store.event.StoreEvent;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.testing.EventRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseTest {
    @TempDir
    Path dir;

    private final SettableClock clock = new SettableClock(1_700_000_000_000L);

    @Test
    void emptyFileIsMigratedToTheLatestSchemaWithOwnerOnlyPermissions() throws Exception {
        Path file = dir.resolve(Database.FILE_NAME);
        try (Database db = Database.open(file, clock)) {
            assertThat(db.schemaVersion()).isEqualTo(Migrations.latest());
            assertThat(tables(db)).contains("contacts", "conversations", "messages", "outbox", "transfers", "schema_version");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void preExistingZeroByteFileIsMigrated() throws Exception {
        Path file = dir.resolve("empty.db");
        Files.createFile(file);
        try (Database db = Database.open(file, clock)) {
            assertThat(db.schemaVersion()).isEqualTo(Migrations.latest());
        }
    }

    @Test
    void reopeningRunsNoMigrationTwiceAndKeepsData() throws Exception {
        Path file = dir.resolve(Database.FILE_NAME);
        PeerId peer = IdentityKeyPair.generate().publicKey().peerId();
        try (Database db = Database.open(file, clock)) {
            new ContactStore(db, IdentityKeyPair.generate().publicKey()).add(peer, "Ann");
        }
        for (int i = 0; i < 2; i++) {
            try (Database db = Database.open(file, clock)) {
                assertThat(db.schemaVersion()).isEqualTo(Migrations.latest());
                assertThat(countOf(db, "SELECT count(*) FROM schema_version")).isEqualTo(Migrations.ALL.size());
                assertThat(new ContactStore(db, IdentityKeyPair.generate().publicKey()).get(peer)).isPresent();
            }
        }
    }

    @Test
    void connectionRunsWithWalForeignKeysAndBusyTimeout() throws Exception {
        try (Database db = Database.open(dir.resolve(Database.FILE_NAME), clock)) {
            assertThat(textOf(db, "PRAGMA journal_mode")).isEqualTo("wal");
            assertThat(countOf(db, "PRAGMA foreign_keys")).isEqualTo(1);
            assertThat(countOf(db, "PRAGMA busy_timeout")).isEqualTo(Database.BUSY_TIMEOUT_MS);
            assertThat(countOf(db, "PRAGMA synchronous")).isEqualTo(2); // FULL
        }
    }

    @Test
    void databaseFromANewerSchemaIsRefusedWithUpgradeHint() throws Exception {
        Path file = dir.resolve(Database.FILE_NAME);
        try (Database db = Database.open(file, clock)) {
            db.write(txn -> {
                try (Statement s = txn.connection().createStatement()) {
                    s.execute("INSERT INTO schema_version VALUES (99, 'from the future', 0)");
                }
                return null;
            });
        }
        assertThatThrownBy(() -> Database.open(file, clock))
                .hasMessageContaining("schema version 99")
                .hasMessageContaining("upgrade");
    }

    @Test
    void failedTransactionRollsBackAndAnnouncesNothing() throws Exception {
        try (Database db = Database.open(dir.resolve(Database.FILE_NAME), clock)) {
            EventRecorder<StoreEvent> events = new EventRecorder<StoreEvent>("db").timeout(Duration.ZERO);
            db.addListener(events);
            PeerId peer = IdentityKeyPair.generate().publicKey().peerId();
            assertThatThrownBy(() -> db.write(txn -> {
                try (Statement s = txn.connection().createStatement()) {
                    s.execute("INSERT INTO contacts (peer_id, added_at) VALUES ('" + peer.value() + "', 0)");
                }
                txn.attach(new ContactRemoved(peer));
                throw new IllegalStateException("boom");
            })).hasMessage("boom");

            assertThat(countOf(db, "SELECT count(*) FROM contacts")).isZero();
            events.assertExhausted();
        }
    }

    @Test
    void eventsAreDeliveredAfterCommitOutsideTheTransaction() throws Exception {
        try (Database db = Database.open(dir.resolve(Database.FILE_NAME), clock)) {
            ContactStore contacts = new ContactStore(db, IdentityKeyPair.generate().publicKey());
            PeerId peer = IdentityKeyPair.generate().publicKey().peerId();
            java.util.List<Boolean> visible = new java.util.ArrayList<>();
            // A listener that reads the store proves both: the lock is released, and the change is committed.
            db.addListener(e -> visible.add(contacts.get(peer).isPresent()));
            contacts.add(peer, null);
            assertThat(visible).containsExactly(true);
        }
    }

    @Test
    void transactionsDoNotNest() throws Exception {
        try (Database db = Database.open(dir.resolve(Database.FILE_NAME), clock)) {
            assertThatThrownBy(() -> db.write(txn -> db.read(inner -> 1)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("do not nest");
            assertThat(countOf(db, "SELECT 1")).isEqualTo(1); // and the database is usable afterwards
        }
    }

    @Test
    void useAfterCloseFailsClearly() throws Exception {
        Database db = Database.open(dir.resolve(Database.FILE_NAME), clock);
        db.close();
        assertThatThrownBy(db::schemaVersion).hasMessageContaining("is closed");
    }

    private static java.util.List<String> tables(Database db) {
        return db.read(txn -> {
            java.util.List<String> out = new java.util.ArrayList<>();
            try (PreparedStatement p = txn.prepare("SELECT name FROM sqlite_master WHERE type = 'table'");
                 ResultSet rs = p.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
            return out;
        });
    }

    private static int countOf(Database db, String sql) {
        Integer n = db.read(txn -> count(txn, sql));
        return n;
    }

    private static String textOf(Database db, String sql) {
        String t = db.read(txn -> text(txn, sql));
        return t;
    }

    private static int count(Txn txn, String sql) throws java.sql.SQLException {
        try (PreparedStatement p = txn.prepare(sql); ResultSet rs = p.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String text(Txn txn, String sql) throws java.sql.SQLException {
        try (PreparedStatement p = txn.prepare(sql); ResultSet rs = p.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }
}
