package dev.parley.client.internal.store;

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
    private final List<StoreEvent> events = new ArrayList<>();

    Txn(Connection connection, boolean writable) {
        this.connection = connection;
        this.writable = writable;
    }

    PreparedStatement prepare(String sql) throws SQLException {
        return connection.prepareStatement(sql);
    }

    Connection connection() {
        return connection;
    }

    void attach(StoreEvent event) {
        if (!writable) throw new IllegalStateException("read transactions do not change anything to announce");
        events.add(event);
    }

    List<StoreEvent> events() {
        return events;
    }
}
