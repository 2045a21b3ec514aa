package dev.parley.client.internal.store;

import java.util.List;

/**
 * The schema, as an ordered list of migrations. Never edit a migration that has shipped: append a
 * new one. {@link Database} runs the pending ones in a single transaction on open.
 */
final class Migrations {
    record Migration(int version, String description, List<String> statements) {}

    private Migrations() {}

    static final List<Migration> ALL = List.of(
            new Migration(1, "contacts, conversations, messages, outbox, transfers", List.of(
                    """
                    CREATE TABLE contacts (
                      contact_id     INTEGER PRIMARY KEY,
                      peer_id        TEXT    NOT NULL UNIQUE,
                      display_name   TEXT,
                      pinned_key     BLOB    CHECK (pinned_key IS NULL OR length(pinned_key) = 32),
                      pending_key    BLOB    CHECK (pending_key IS NULL OR length(pending_key) = 32),
                      verified       INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1)),
                      added_at       INTEGER NOT NULL,
                      key_pinned_at  INTEGER,
                      key_changed_at INTEGER,
                      CHECK (verified = 0 OR pinned_key IS NOT NULL),
                      CHECK (pending_key IS NULL OR pinned_key IS NOT NULL)
                    ) STRICT""",
                    """
                    CREATE TABLE conversations (
                      conversation_id INTEGER PRIMARY KEY,
                      contact_id      INTEGER NOT NULL UNIQUE REFERENCES contacts (contact_id) ON DELETE CASCADE,
                      next_out_seq    INTEGER NOT NULL DEFAULT 1 CHECK (next_out_seq >= 1),
                      created_at      INTEGER NOT NULL
                    ) STRICT""",
                    // local_id is this device's arrival order: the history cursor, and never reused (AUTOINCREMENT).
                    """
                    CREATE TABLE messages (
                      local_id         INTEGER PRIMARY KEY AUTOINCREMENT,
                      message_id       TEXT    NOT NULL UNIQUE CHECK (length(message_id) = 36),
                      conversation_id  INTEGER NOT NULL REFERENCES conversations (conversation_id) ON DELETE CASCADE,
                      direction        TEXT    NOT NULL CHECK (direction IN ('OUTGOING', 'INCOMING')),
                      seq              INTEGER NOT NULL CHECK (seq >= 1),
                      body             TEXT    NOT NULL,
                      sent_at          INTEGER NOT NULL,
                      stored_at        INTEGER NOT NULL,
                      state            INTEGER NOT NULL CHECK (state BETWEEN 0 AND 4),
                      state_changed_at INTEGER NOT NULL
                    ) STRICT""",
                    // Our own seqs are gapless and unique per conversation; a peer's seqs are only informative.
                    "CREATE UNIQUE INDEX messages_outgoing_seq ON messages (conversation_id, seq) WHERE direction = 'OUTGOING'",
                    "CREATE INDEX messages_history ON messages (conversation_id, local_id)",
                    "CREATE INDEX messages_unread ON messages (conversation_id) WHERE direction = 'INCOMING' AND state = 3",
                    """
                    CREATE TABLE outbox (
                      local_id        INTEGER PRIMARY KEY REFERENCES messages (local_id) ON DELETE CASCADE,
                      conversation_id INTEGER NOT NULL REFERENCES conversations (conversation_id) ON DELETE CASCADE,
                      seq             INTEGER NOT NULL,
                      enqueued_at     INTEGER NOT NULL,
                      UNIQUE (conversation_id, seq)
                    ) STRICT""",
                    """
                    CREATE TABLE transfers (
                      transfer_id     TEXT    PRIMARY KEY CHECK (length(transfer_id) = 36),
                      contact_id      INTEGER NOT NULL REFERENCES contacts (contact_id) ON DELETE CASCADE,
                      direction       TEXT    NOT NULL CHECK (direction IN ('OUTGOING', 'INCOMING')),
                      name            TEXT    NOT NULL,
                      size            INTEGER NOT NULL CHECK (size >= 0),
                      media_type      TEXT    NOT NULL,
                      sha256          BLOB    NOT NULL CHECK (length(sha256) = 32),
                      state           TEXT    NOT NULL,
                      verified_offset INTEGER NOT NULL DEFAULT 0 CHECK (verified_offset BETWEEN 0 AND size),
                      part_path       TEXT,
                      created_at      INTEGER NOT NULL,
                      updated_at      INTEGER NOT NULL
                    ) STRICT""",
                    "CREATE INDEX transfers_contact ON transfers (contact_id, created_at)")),
            new Migration(2, "calls", List.of(
                    """
                    CREATE TABLE calls (
                      call_id       TEXT    PRIMARY KEY CHECK (length(call_id) = 36),
                      contact_id    INTEGER NOT NULL REFERENCES contacts (contact_id) ON DELETE CASCADE,
                      direction     TEXT    NOT NULL CHECK (direction IN ('OUTGOING', 'INCOMING')),
                      reason        TEXT    NOT NULL,
                      ended_locally INTEGER NOT NULL CHECK (ended_locally IN (0, 1)),
                      started_at    INTEGER NOT NULL,
                      answered_at   INTEGER,
                      ended_at      INTEGER NOT NULL
                    ) STRICT""",
                    "CREATE INDEX calls_contact ON calls (contact_id, started_at)")),
            // Events for the app, numbered in the transaction that made the change, and how far the
            // app has acknowledged them: what is re-delivered after a crash (docs/api-events.md).
            new Migration(3, "app event log, app cursor, receipt times", List.of(
                    """
                    CREATE TABLE app_events (
                      seq        INTEGER PRIMARY KEY AUTOINCREMENT,
                      kind       TEXT    NOT NULL,
                      ref        TEXT    NOT NULL,
                      state      TEXT,
                      created_at INTEGER NOT NULL
                    ) STRICT""",
                    """
                    CREATE TABLE app_cursor (
                      id        INTEGER PRIMARY KEY CHECK (id = 1),
                      acked_seq INTEGER NOT NULL
                    ) STRICT""",
                    "INSERT INTO app_cursor (id, acked_seq) VALUES (1, 0)",
                    "CREATE INDEX app_events_ref ON app_events (ref)",
                    "ALTER TABLE messages ADD COLUMN delivered_at INTEGER",
                    "ALTER TABLE messages ADD COLUMN read_at INTEGER")),
            // Groups (docs/protocol.md § Groups): signed records kept as their wire JSON, so what is
            // read back verifies exactly as it did on arrival; the columns beside are for queries.
            new Migration(4, "groups, roster operations, group messages, group outbox", List.of(
                    """
                    CREATE TABLE groups (
                      group_id   TEXT    PRIMARY KEY CHECK (length(group_id) = 43),
                      name       TEXT,
                      status     TEXT    NOT NULL CHECK (status IN ('INVITED', 'JOINED', 'LEFT')),
                      invited_by TEXT,
                      created_at INTEGER NOT NULL,
                      updated_at INTEGER NOT NULL
                    ) STRICT""",
                    """
                    CREATE TABLE group_ops (
                      op_id     TEXT    PRIMARY KEY CHECK (length(op_id) = 43),
                      group_id  TEXT    NOT NULL REFERENCES groups (group_id) ON DELETE CASCADE,
                      lamport   INTEGER NOT NULL CHECK (lamport >= 1),
                      record    TEXT    NOT NULL,
                      stored_at INTEGER NOT NULL
                    ) STRICT""",
                    "CREATE INDEX group_ops_group ON group_ops (group_id, lamport)",
                    // local_id: arrival order here, so a restart re-offers every chain in an order it accepts.
                    """
                    CREATE TABLE group_messages (
                      local_id   INTEGER PRIMARY KEY AUTOINCREMENT,
                      message_id TEXT    NOT NULL UNIQUE CHECK (length(message_id) = 43),
                      group_id   TEXT    NOT NULL REFERENCES groups (group_id) ON DELETE CASCADE,
                      author_key BLOB    NOT NULL CHECK (length(author_key) = 32),
                      seq        INTEGER NOT NULL CHECK (seq >= 1),
                      lamport    INTEGER NOT NULL CHECK (lamport >= 1),
                      hidden     INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
                      record     TEXT    NOT NULL,
                      stored_at  INTEGER NOT NULL,
                      UNIQUE (group_id, author_key, seq)
                    ) STRICT""",
                    // The display order of docs/protocol.md: lamport, author key bytes (BLOBs compare as memcmp), seq.
                    "CREATE INDEX group_messages_display ON group_messages (group_id, lamport, author_key, seq)",
                    """
                    CREATE TABLE group_outbox (
                      message_id  TEXT    PRIMARY KEY REFERENCES group_messages (message_id) ON DELETE CASCADE,
                      group_id    TEXT    NOT NULL REFERENCES groups (group_id) ON DELETE CASCADE,
                      enqueued_at INTEGER NOT NULL
                    ) STRICT""",
                    """
                    CREATE TABLE group_deliveries (
                      message_id TEXT    NOT NULL REFERENCES group_messages (message_id) ON DELETE CASCADE,
                      peer_id    TEXT    NOT NULL,
                      stored_at  INTEGER NOT NULL,
                      PRIMARY KEY (message_id, peer_id)
                    ) STRICT""")),
            // Read marks: per group and member (this one too), the last message read in display order.
            new Migration(5, "group read marks", List.of(
                    """
                    CREATE TABLE group_reads (
                      group_id   TEXT    NOT NULL REFERENCES groups (group_id) ON DELETE CASCADE,
                      peer_id    TEXT    NOT NULL,
                      message_id TEXT    NOT NULL CHECK (length(message_id) = 43),
                      updated_at INTEGER NOT NULL,
                      PRIMARY KEY (group_id, peer_id)
                    ) STRICT""")),
            // Group calls in the group's history (docs/library.md § Group calls): local to this
            // member, never synced; with_peers is the space-separated peer ids met in the call.
            new Migration(6, "group call history", List.of(
                    """
                    CREATE TABLE group_calls (
                      call_id    TEXT    PRIMARY KEY CHECK (length(call_id) = 36),
                      group_id   TEXT    NOT NULL REFERENCES groups (group_id) ON DELETE CASCADE,
                      started_at INTEGER NOT NULL,
                      ended_at   INTEGER NOT NULL,
                      joined     INTEGER NOT NULL CHECK (joined IN (0, 1)),
                      in_call_ms INTEGER NOT NULL CHECK (in_call_ms >= 0),
                      with_peers TEXT    NOT NULL
                    ) STRICT""",
                    "CREATE INDEX group_calls_group ON group_calls (group_id, started_at)")),
            // Group files (docs/storage-notes.md § File transfers, step 4): the record that was a JSON file
            // per file in <profile>/swarm/, next to transfers, so both survive restarts the same way and both
            // have stored app events. No reference to groups: a file's record outlives the group's row (a
            // declined invitation deletes that row, and a declined invitation never has files). offer is the
            // signed post's body, as it arrived; layer the piece hashes once known (checked against its root).
            new Migration(7, "group files", List.of(
                    """
                    CREATE TABLE group_files (
                      file_id    TEXT    PRIMARY KEY CHECK (length(file_id) = 43),
                      group_id   TEXT    NOT NULL CHECK (length(group_id) = 43),
                      from_peer  TEXT    NOT NULL,
                      offer      TEXT    NOT NULL,
                      state      TEXT    NOT NULL CHECK (state IN ('OFFERED', 'ACCEPTED', 'COMPLETED', 'SHARED', 'DECLINED', 'FAILED')),
                      path       TEXT,
                      layer      BLOB,
                      created_at INTEGER NOT NULL,
                      updated_at INTEGER NOT NULL
                    ) STRICT""",
                    "CREATE INDEX group_files_group ON group_files (group_id, created_at)")));

    static int latest() {
        return ALL.get(ALL.size() - 1).version();
    }
}
