package dev.parley.daemon;

import dev.parley.client.Contact;
import dev.parley.client.ParleyClient;
import dev.parley.client.PeerId;

/** What the routes work on: the daemon's one client, its listener state, and how to ask the daemon to stop. */
public record ApiContext(ParleyClient client, DaemonEvents events, String version, Runnable requestShutdown) {
    /** The {@code {peer}} of the path, which must be a contact (400 for a malformed id, 404 for a stranger). */
    public PeerId contactIn(dev.parley.daemon.http.Request q) {
        PeerId p = ApiJson.peer(q.param("peer"));
        requireContact(p);
        return p;
    }

    /** The contact, or 404 not_found. */
    public Contact requireContact(PeerId peer) {
        return client.contact(peer).orElseThrow(() -> ApiError.notFound("no contact " + peer.value() + " (add it with POST /v1/contacts)"));
    }
}
