package dev.parley.client.internal.event;

import dev.parley.client.internal.store.event.ContactAdded;
import dev.parley.client.internal.store.event.ContactKeyChanged;
import dev.parley.client.internal.store.event.ContactRemoved;
import dev.parley.client.internal.store.event.ContactVerified;
import dev.parley.client.internal.store.event.MessageAdded;
import dev.parley.client.internal.store.event.MessageStateChanged;
import dev.parley.client.internal.store.event.StoreEvent;
import dev.parley.client.internal.store.event.TransferChanged;

/** What each committed store change means to the app. */
final class StoreEvents {
    private StoreEvents() {}

    static ClientEvent toClientEvent(StoreEvent e) {
        if (e instanceof MessageAdded a) return new ClientEvent.MessageAdded(a.message());
        if (e instanceof MessageStateChanged c) return new ClientEvent.MessageStateChanged(c.id(), c.peer(), c.state());
        if (e instanceof ContactAdded a) return new ClientEvent.ContactChanged(a.contact());
        if (e instanceof ContactKeyChanged k) return new ClientEvent.ContactChanged(k.contact());
        if (e instanceof ContactVerified v) return new ClientEvent.ContactChanged(v.contact());
        if (e instanceof ContactRemoved r) return new ClientEvent.ContactRemoved(r.peerId());
        if (e instanceof TransferChanged t) return new ClientEvent.TransferChanged(t.transfer());
        throw new IllegalArgumentException("unmapped store event " + e);
    }
}
