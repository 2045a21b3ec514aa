package dev.parley.daemon.routes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.client.Contact;
import dev.parley.client.ParleyClient;
import dev.parley.daemon.ApiContext;
import dev.parley.daemon.ApiError;
import dev.parley.daemon.ApiJson;
import dev.parley.daemon.http.Request;
import dev.parley.daemon.http.Response;
import dev.parley.daemon.http.Router;
import dev.parley.client.PeerId;
import dev.parley.client.PeerKey;

/** The address book: list, add, get, remove, safety number, verify, accept a changed key, presence, connect. */
public final class ContactRoutes {
    private ContactRoutes() {}

    static PeerId peer(Request q) {
        return ApiJson.peer(q.param("peer"));
    }

    static JsonNode json(ParleyClient c, Contact k) {
        return ApiJson.contact(k, c.isOnline(k.peerId()), c.isConnected(k.peerId()));
    }

    public static void register(Router r, ApiContext ctx) {
        ParleyClient c = ctx.client();
        r.get("/v1/contacts", q -> ApiJson.array(c.contacts(), k -> json(c, k)));
        r.post("/v1/contacts", q -> {
            JsonNode b = q.body();
            String contact = ApiJson.requireText(b, "contact");
            boolean existed = isPeerOrString(contact) && c.contact(contactPeer(contact)).isPresent();
            Contact k = c.addContact(contact, ApiJson.text(b, "name"));
            return new Response(existed ? 200 : 201, json(c, k));
        });
        r.get("/v1/contacts/{peer}", q -> json(c, ctx.requireContact(peer(q))));
        r.delete("/v1/contacts/{peer}", q -> {
            PeerId p = peer(q);
            ctx.requireContact(p);
            return ApiJson.object().put("removed", c.removeContact(p));
        });
        r.get("/v1/contacts/{peer}/safety-number", q -> {
            PeerId p = peer(q);
            ctx.requireContact(p);
            String n = c.safetyNumber(p).orElseThrow(() -> ApiError.conflict("no key known yet for " + p.value() + "; connect once first"));
            return ApiJson.object().put("peerId", p.value()).put("safetyNumber", n);
        });
        r.post("/v1/contacts/{peer}/verify", q -> {
            PeerId p = peer(q);
            ctx.requireContact(p);
            return json(c, c.markVerified(p, ApiJson.requireText(q.body(), "safetyNumber")));
        });
        r.post("/v1/contacts/{peer}/accept-key", q -> {
            PeerId p = peer(q);
            Contact k = ctx.requireContact(p);
            String given = ApiJson.text(q.body(), "key");
            PeerKey key;
            if (given != null) key = PeerKey.parse(given);
            else if (k.pendingKey() != null) key = k.pendingKey();
            else throw ApiError.conflict("contact " + p.value() + " has no changed key to accept");
            return json(c, c.acceptNewKey(p, key));
        });
        r.get("/v1/contacts/{peer}/presence", q -> {
            PeerId p = peer(q);
            ctx.requireContact(p);
            return ApiJson.object().put("peerId", p.value()).put("online", c.isOnline(p)).put("connected", c.isConnected(p));
        });
        r.post("/v1/contacts/{peer}/connect", q -> {
            PeerId p = peer(q);
            ctx.requireContact(p);
            return ApiJson.object().put("peerId", p.value()).put("dialing", c.connect(p));
        });
    }

    private static boolean isPeerOrString(String s) {
        try {
            contactPeer(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static PeerId contactPeer(String s) {
        return dev.parley.client.ContactString.parse(s).peerId();
    }
}
