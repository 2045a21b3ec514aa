package dev.parley.client.internal.store;

import dev.parley.client.internal.store.event.Committed;
import dev.parley.client.internal.store.event.StoreEvent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * One open transaction. Events attached here are delivered only if and after it commits (Briar's
 * {@code Transaction.attach}), so listeners never see a change that was rolled back.
 */
final class Txn {
    private final Connection connection;
    private final boolean writable;
    private final long nowMs;
    private final List<Committed> events = new ArrayList<>();

    Txn(Connection connection, boolean writable, long nowMs) {
        this.connection = connection;
        this.writable = writable;
        this.nowMs = nowMs;
    }

    PreparedStatement prepare(String sql) throws SQLException {
        return connection.prepareStatement(sql);
    }

    Connection connection() {
        return connection;
    }

    /** Logs the event in this transaction (giving it its app-event number) and announces it after commit. */
    void attach(StoreEvent event) throws SQLException {
        if (!writable) throw new IllegalStateException("read transactions do not change anything to announce");
        events.add(new Committed(EventLog.append(this, event, nowMs), event));
    }

    List<Committed> events() {
        return events;
    }
}
