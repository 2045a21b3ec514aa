package dev.parley.client.internal.store;

import dev.parley.client.internal.Ids;
import dev.parley.client.Contact;
import dev.parley.client.internal.store.event.ContactAdded;
import dev.parley.client.internal.store.event.ContactKeyChanged;
import dev.parley.client.internal.store.event.ContactRemoved;
import dev.parley.client.internal.store.event.ContactUpdated;
import dev.parley.client.internal.store.event.ContactVerified;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.IdentityKey;
import dev.parley.protocol.crypto.SafetyNumber;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The address book and its trust state: trust on first use of a contact's identity key, blocking of
 * a changed key until the user accepts it, and the verified flag from comparing safety numbers.
 * Thread-safe (see {@link Database}); every method is one transaction.
 */
public final class ContactStore {
    private static final String COLUMNS =
            "contact_id, peer_id, display_name, pinned_key, pending_key, verified, added_at";

    private final Database db;
    private final IdentityKey myKey;

    public ContactStore(Database db, IdentityKey myKey) {
        this.db = Objects.requireNonNull(db);
        this.myKey = Objects.requireNonNull(myKey);
    }

    /**
     * Adds a contact by peer id with an optional label (sanitized). Adding an existing contact
     * changes nothing and returns it as stored. Its key is pinned at the first verified session.
     */
    public Contact add(PeerId peerId, String displayName) {
        Objects.requireNonNull(peerId, "peerId");
        if (peerId.equals(myKey.peerId())) throw new IllegalArgumentException("cannot add yourself as a contact");
        String name = DisplayNames.sanitize(displayName);
        return db.write(txn -> {
            Optional<Row> existing = find(txn, "peer_id = ?", peerId.value());
            if (existing.isPresent()) return existing.get().contact();
            long now = db.clock().millis();
            long id;
            try (PreparedStatement p = txn.prepare(
                    "INSERT INTO contacts (peer_id, display_name, added_at) VALUES (?, ?, ?) RETURNING contact_id")) {
                p.setString(1, peerId.value());
                p.setString(2, name);
                p.setLong(3, now);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            try (PreparedStatement p = txn.prepare("INSERT INTO conversations (contact_id, created_at) VALUES (?, ?)")) {
                p.setLong(1, id);
                p.setLong(2, now);
                p.executeUpdate();
            }
            Contact c = new Contact(Ids.app(peerId), name, null, null, false, Instant.ofEpochMilli(now));
            txn.attach(new ContactAdded(c));
            return c;
        });
    }

    /** Changes a contact's label (sanitized; null or blank removes it). */
    public Contact rename(PeerId peerId, String displayName) {
        String name = DisplayNames.sanitize(displayName);
        return db.write(txn -> {
            Row row = require(txn, peerId);
            if (Objects.equals(name, row.contact().displayName())) return row.contact(); // nothing changed: no event
            try (PreparedStatement p = txn.prepare("UPDATE contacts SET display_name = ? WHERE contact_id = ?")) {
                p.setString(1, name);
                p.setLong(2, row.id().value());
                p.executeUpdate();
            }
            Contact c = reload(txn, row.id()).contact();
            txn.attach(new ContactUpdated(c));
            return c;
        });
    }

    public Optional<Contact> get(PeerId peerId) {
        return db.read(txn -> find(txn, "peer_id = ?", peerId.value()).map(Row::contact));
    }

    /** The local handle of a contact, which survives a key change (and with it a peer id change). */
    public Optional<ContactId> idOf(PeerId peerId) {
        return db.read(txn -> find(txn, "peer_id = ?", peerId.value()).map(Row::id));
    }

    public Optional<Contact> get(ContactId id) {
        return db.read(txn -> find(txn, "contact_id = ?", id.value()).map(Row::contact));
    }

    /** All contacts, by label then peer id. */
    public List<Contact> list() {
        return db.read(txn -> {
            List<Contact> out = new ArrayList<>();
            try (PreparedStatement p = txn.prepare("SELECT " + COLUMNS + " FROM contacts "
                    + "ORDER BY display_name IS NULL, display_name COLLATE NOCASE, peer_id");
                 ResultSet rs = p.executeQuery()) {
                while (rs.next()) out.add(row(rs).contact());
            }
            return out;
        });
    }

    /** Removes the contact with its conversation, messages, outbox and transfer records. False if unknown. */
    public boolean remove(PeerId peerId) {
        return db.write(txn -> {
            try (PreparedStatement p = txn.prepare("DELETE FROM contacts WHERE peer_id = ?")) {
                p.setString(1, peerId.value());
                if (p.executeUpdate() == 0) return false;
            }
            txn.attach(new ContactRemoved(peerId));
            return true;
        });
    }

    /**
     * Records that {@code peerId} presented {@code key} in a verified session (signature checked by
     * the caller). The key must hash to the peer id: a key that does not is never this peer's and is
     * rejected with IllegalArgumentException, nothing stored. Throws {@link UnknownContactException}
     * for a peer not in the address book.
     *
     * <p>Because peer ids are derived from keys, {@link KeyCheck#CHANGED} cannot come from this
     * method short of a hash collision; it comes from {@link #observeKey(ContactId, IdentityKey)},
     * when a contact is reached by a handle that is not derived from the key.
     */
    public KeyCheck observeKey(PeerId peerId, IdentityKey key) {
        if (!key.peerId().equals(peerId)) {
            throw new IllegalArgumentException("identity key " + key + " does not belong to peer id " + peerId);
        }
        ContactId id = idOf(peerId).orElseThrow(() -> new UnknownContactException(peerId));
        return observeKey(id, key);
    }

    /**
     * Trust on first use for the contact with local handle {@code id}: pins the first key (which must
     * hash to the contact's peer id), reports a match, or records a different key as pending,
     * clears the verified flag and reports {@link KeyCheck#CHANGED}. The blocked state is stored
     * and lasts until {@link #acceptNewKey}.
     */
    public KeyCheck observeKey(ContactId id, IdentityKey key) {
        Objects.requireNonNull(key, "key");
        return db.write(txn -> {
            Row row = find(txn, "contact_id = ?", id.value()).orElseThrow(() -> new UnknownContactException(id));
            long now = db.clock().millis();
            if (row.pinned() == null) {
                if (!key.peerId().equals(row.peerId())) {
                    throw new IllegalArgumentException("identity key " + key + " does not belong to peer id " + row.peerId()
                            + "; refusing to pin it");
                }
                try (PreparedStatement p = txn.prepare(
                        "UPDATE contacts SET pinned_key = ?, key_pinned_at = ? WHERE contact_id = ?")) {
                    p.setBytes(1, key.raw());
                    p.setLong(2, now);
                    p.setLong(3, id.value());
                    p.executeUpdate();
                }
                txn.attach(new ContactUpdated(reload(txn, id).contact()));
                return KeyCheck.PINNED_NOW;
            }
            if (row.pinned().equals(key)) return KeyCheck.MATCHES;
            if (!key.equals(row.pending())) {
                try (PreparedStatement p = txn.prepare("UPDATE contacts SET pending_key = ?, verified = 0, "
                        + "key_changed_at = ? WHERE contact_id = ?")) {
                    p.setBytes(1, key.raw());
                    p.setLong(2, now);
                    p.setLong(3, id.value());
                    p.executeUpdate();
                }
                txn.attach(new ContactKeyChanged(reload(txn, id).contact()));
            }
            return KeyCheck.CHANGED;
        });
    }

    /**
     * The user accepts the changed key they were shown. {@code key} must be the pending key (so a
     * key that changed again while the user was deciding is not accepted by accident). The contact
     * stays unverified, and its peer id becomes the new key's. Returns the updated contact.
     */
    public Contact acceptNewKey(ContactId id, IdentityKey key) {
        return db.write(txn -> {
            Row row = find(txn, "contact_id = ?", id.value()).orElseThrow(() -> new UnknownContactException(id));
            if (row.pending() == null) throw new IllegalStateException("contact " + row.peerId() + " has no changed key to accept");
            if (!row.pending().equals(key)) {
                throw new IllegalStateException("the key being accepted for " + row.peerId()
                        + " is not the one waiting for a decision; show the user the current one");
            }
            try (PreparedStatement p = txn.prepare("UPDATE contacts SET pinned_key = ?, pending_key = NULL, verified = 0, "
                    + "peer_id = ?, key_pinned_at = ? WHERE contact_id = ?")) {
                p.setBytes(1, key.raw());
                p.setString(2, key.peerId().value());
                p.setLong(3, db.clock().millis());
                p.setLong(4, id.value());
                p.executeUpdate();
            } catch (SQLException e) {
                if (SqliteErrors.isDuplicateKey(e)) {
                    throw new IllegalStateException("the new key belongs to peer " + key.peerId()
                            + ", which is already another contact; remove one of them first");
                }
                throw e;
            }
            Contact c = reload(txn, id).contact();
            txn.attach(new ContactKeyChanged(c));
            return c;
        });
    }

    public Contact acceptNewKey(PeerId peerId, IdentityKey key) {
        return acceptNewKey(idOf(peerId).orElseThrow(() -> new UnknownContactException(peerId)), key);
    }

    /** The 60-digit safety number for this device and the contact's pinned key; empty before a key is pinned. */
    public Optional<String> safetyNumber(PeerId peerId) {
        Contact c = get(peerId).orElseThrow(() -> new UnknownContactException(peerId));
        return c.key().map(k -> SafetyNumber.of(myKey, Ids.wire(k)));
    }

    /**
     * The user compared {@code comparedNumber} with the contact out of band and they matched. Refused
     * (IllegalStateException) if it is not the number for the currently pinned key, or while a
     * changed key awaits a decision.
     */
    public Contact markVerified(PeerId peerId, String comparedNumber) {
        Contact c = get(peerId).orElseThrow(() -> new UnknownContactException(peerId));
        if (c.pinnedKey() == null) throw new IllegalStateException("no key pinned yet for " + peerId + "; connect once first");
        if (c.keyChanged()) throw new IllegalStateException("the key of " + peerId + " changed; accept or refuse it first");
        // Computed outside the transaction: 5200 SHA-512 rounds should not hold the database lock.
        String expected = SafetyNumber.of(myKey, Ids.wire(c.pinnedKey()));
        String given = comparedNumber == null ? "" : comparedNumber.replaceAll("\\s", "");
        if (!expected.equals(given)) {
            throw new IllegalStateException("that is not the safety number for " + peerId + "'s current key; compare again");
        }
        return setVerified(peerId, Ids.wire(c.pinnedKey()), true);
    }

    public Contact clearVerified(PeerId peerId) {
        Contact c = get(peerId).orElseThrow(() -> new UnknownContactException(peerId));
        return c.pinnedKey() == null ? c : setVerified(peerId, Ids.wire(c.pinnedKey()), false);
    }

    private Contact setVerified(PeerId peerId, IdentityKey expectedPinned, boolean verified) {
        return db.write(txn -> {
            Row row = require(txn, peerId);
            if (!expectedPinned.equals(row.pinned()) || row.pending() != null) {
                throw new IllegalStateException("the key of " + peerId + " changed meanwhile; compare again");
            }
            try (PreparedStatement p = txn.prepare("UPDATE contacts SET verified = ? WHERE contact_id = ?")) {
                p.setInt(1, verified ? 1 : 0);
                p.setLong(2, row.id().value());
                p.executeUpdate();
            }
            Contact c = reload(txn, row.id()).contact();
            txn.attach(new ContactVerified(c));
            return c;
        });
    }

    /** Conversation row of a contact; package-private for the other stores. */
    static long conversationOf(Txn txn, PeerId peer) throws SQLException {
        try (PreparedStatement p = txn.prepare("SELECT conversation_id FROM conversations JOIN contacts USING (contact_id) "
                + "WHERE peer_id = ?")) {
            p.setString(1, peer.value());
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) throw new UnknownContactException(peer);
                return rs.getLong(1);
            }
        }
    }

    static long contactRowOf(Txn txn, PeerId peer) throws SQLException {
        try (PreparedStatement p = txn.prepare("SELECT contact_id FROM contacts WHERE peer_id = ?")) {
            p.setString(1, peer.value());
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) throw new UnknownContactException(peer);
                return rs.getLong(1);
            }
        }
    }

    private static Row require(Txn txn, PeerId peerId) throws SQLException {
        return find(txn, "peer_id = ?", peerId.value()).orElseThrow(() -> new UnknownContactException(peerId));
    }

    private static Row reload(Txn txn, ContactId id) throws SQLException {
        return find(txn, "contact_id = ?", id.value()).orElseThrow();
    }

    private static Optional<Row> find(Txn txn, String where, Object arg) throws SQLException {
        try (PreparedStatement p = txn.prepare("SELECT " + COLUMNS + " FROM contacts WHERE " + where)) {
            p.setObject(1, arg);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    private static Row row(ResultSet rs) throws SQLException {
        IdentityKey pinned = key(rs.getBytes("pinned_key"));
        IdentityKey pending = key(rs.getBytes("pending_key"));
        Contact c = new Contact(dev.parley.client.PeerId.of(rs.getString("peer_id")), rs.getString("display_name"), Ids.app(pinned), Ids.app(pending),
                rs.getInt("verified") == 1, Instant.ofEpochMilli(rs.getLong("added_at")));
        return new Row(new ContactId(rs.getLong("contact_id")), c);
    }

    private static IdentityKey key(byte[] raw) {
        return raw == null ? null : IdentityKey.fromRaw(raw);
    }

    private record Row(ContactId id, Contact contact) {
        PeerId peerId() {
            return Ids.wire(contact.peerId());
        }

        IdentityKey pinned() {
            return Ids.wire(contact.pinnedKey());
        }

        IdentityKey pending() {
            return Ids.wire(contact.pendingKey());
        }
    }

}
