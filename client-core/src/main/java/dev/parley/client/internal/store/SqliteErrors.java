package dev.parley.client.internal.store;

import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.sql.SQLException;

/** Classifies SQLite failures by their extended result code, never by the text of the message. */
final class SqliteErrors {
    private SqliteErrors() {
    }

    /**
     * Whether {@code e} is a UNIQUE or PRIMARY KEY constraint violation: the row would duplicate a key
     * that is already stored. (sqlite-jdbc reports extended result codes, so the two are told apart
     * from NOT NULL, CHECK and FOREIGN KEY failures.)
     */
    static boolean isDuplicateKey(SQLException e) {
        if (!(e instanceof SQLiteException sqlite)) return false;
        SQLiteErrorCode code = sqlite.getResultCode();
        return code == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE || code == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY;
    }
}
