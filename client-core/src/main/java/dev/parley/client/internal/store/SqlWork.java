package dev.parley.client.internal.store;

import java.sql.SQLException;

/** A unit of work run inside one database transaction. */
@FunctionalInterface
interface SqlWork<T> {
    T run(Txn txn) throws SQLException;
}
