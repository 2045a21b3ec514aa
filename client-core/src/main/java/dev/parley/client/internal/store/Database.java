package dev.parley.client.internal.store;

import dev.parley.client.internal.store.event.Committed;
import dev.parley.client.internal.store.event.StoreEvent;
import lombok.extern.slf4j.Slf4j;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One profile's SQLite database: a single connection, WAL, foreign keys on, {@code synchronous=FULL}.
 *
 * <p>Threading: any thread may call; each transaction holds one fair lock for its duration, so
 * transactions run one at a time and the connection is never used by two threads at once. Calls
 * block the caller for one short transaction: hand off from callback threads (webrtc-java
 * observers) instead of calling in. Transactions do not nest: starting one from inside another
 * throws. Events attached to a transaction are delivered to listeners after it commits, on the
 * committing thread, after the lock is released.
 */
@Slf4j
public final class Database implements AutoCloseable {
    public static final String FILE_NAME = "parley.db";
    static final int BUSY_TIMEOUT_MS = 5_000;

    private final Connection connection;
    private final Clock clock;
    private final Path file;
    private final ReentrantLock lock = new ReentrantLock(true);
    private final List<Consumer<Committed>> listeners = new CopyOnWriteArrayList<>();
    private boolean closed;

    private Database(Path file, Connection connection, Clock clock) {
        this.file = file;
        this.connection = connection;
        this.clock = clock;
    }

    /**
     * Opens (creating with mode 0600 if absent) the database file and brings its schema up to date.
     * Refuses a database written by a newer schema than this build knows.
     */
    public static Database open(Path file, Clock clock) throws IOException {
        Objects.requireNonNull(clock, "clock");
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            // Existing profile; SQLite gives the -wal and -shm files the same mode as this one.
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // FULL: a commit survives power loss too; "chat that loses nothing" is the requirement.
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        Connection c;
        try {
            c = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
        } catch (SQLException e) {
            throw new IOException("cannot open the database " + file + ": " + e.getMessage(), e);
        }
        Database db = new Database(file, c, clock);
        try {
            db.migrate();
        } catch (IOException | RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    public Clock clock() {
        return clock;
    }

    public Path file() {
        return file;
    }

    /** Hears every committed store event with its app-event number, on the committing thread. */
    public void addCommittedListener(Consumer<Committed> listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    /** Hears every committed store event, on the committing thread. */
    public void addListener(Consumer<StoreEvent> listener) {
        Objects.requireNonNull(listener);
        listeners.add(c -> listener.accept(c.event()));
    }

    /** Current schema version as recorded in the database. */
    public int schemaVersion() {
        return read(Database::recordedVersion);
    }

    private void migrate() throws IOException {
        try {
            write(txn -> {
                try (Statement s = txn.connection().createStatement()) {
                    s.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                            + "version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT");
                }
                int current = recordedVersion(txn);
                if (current > Migrations.latest()) {
                    throw new NewerSchemaException("the database " + file + " has schema version " + current
                            + " but this Parley knows only up to " + Migrations.latest()
                            + "; it was opened by a newer Parley: upgrade");
                }
                for (Migrations.Migration m : Migrations.ALL) {
                    if (m.version() <= current) continue;
                    try (Statement s = txn.connection().createStatement()) {
                        for (String sql : m.statements()) s.execute(sql);
                    }
                    try (PreparedStatement p = txn.prepare(
                            "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)")) {
                        p.setInt(1, m.version());
                        p.setString(2, m.description());
                        p.setLong(3, clock.millis());
                        p.executeUpdate();
                    }
                    log.info("database {}: migrated to schema {} ({})", file, m.version(), m.description());
                }
                return null;
            });
        } catch (NewerSchemaException e) {
            throw new IOException(e.getMessage(), e);
        } catch (StoreException e) {
            throw new IOException("cannot prepare the database " + file + ": " + e.getMessage(), e);
        }
    }

    private static int recordedVersion(Txn txn) throws SQLException {
        try (PreparedStatement p = txn.prepare("SELECT coalesce(max(version), 0) FROM schema_version");
             ResultSet rs = p.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Runs {@code work} in a write transaction ({@code BEGIN IMMEDIATE}), committing if it returns normally. */
    <T> T write(SqlWork<T> work) {
        return run(work, true);
    }

    /** Runs {@code work} in a read transaction, so it sees one consistent snapshot. */
    <T> T read(SqlWork<T> work) {
        return run(work, false);
    }

    private <T> T run(SqlWork<T> work, boolean writable) {
        if (lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("database transactions do not nest");
        }
        Txn txn;
        T result;
        lock.lock();
        try {
            if (closed) throw new IllegalStateException("the database " + file + " is closed");
            txn = new Txn(connection, writable, clock.millis());
            exec(writable ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
            boolean committed = false;
            try {
                result = work.run(txn);
                exec("COMMIT");
                committed = true;
            } finally {
                if (!committed) rollbackQuietly();
            }
        } catch (SQLException e) {
            throw new StoreException("database " + file + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
        for (Committed e : txn.events()) {
            for (Consumer<Committed> l : listeners) {
                try {
                    l.accept(e);
                } catch (RuntimeException ex) {
                    log.warn("store listener failed on {}", e, ex);
                }
            }
        }
        return result;
    }

    private void exec(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    private void rollbackQuietly() {
        try {
            exec("ROLLBACK");
        } catch (SQLException e) {
            log.warn("rollback failed on {}", file, e);
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            connection.close();
        } catch (SQLException e) {
            log.warn("closing {} failed", file, e);
        } finally {
            lock.unlock();
        }
    }

    private static final class NewerSchemaException extends RuntimeException {
        NewerSchemaException(String message) {
            super(message);
        }
    }
}
