package dev.parley.client.internal.store;

import dev.parley.protocol.PeerId;

/** The peer is not in the address book; add it first. */
public final class UnknownContactException extends IllegalStateException {
    public UnknownContactException(PeerId peer) {
        super("peer " + peer + " is not a contact; add it first");
    }

    public UnknownContactException(ContactId id) {
        super("no contact with local id " + id.value());
    }
}
