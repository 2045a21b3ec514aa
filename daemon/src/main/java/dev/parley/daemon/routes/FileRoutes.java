package dev.parley.daemon.routes;

import dev.parley.client.ParleyClient;
import dev.parley.client.Transfer;
import dev.parley.client.TransferId;
import dev.parley.daemon.ApiContext;
import dev.parley.daemon.ApiError;
import dev.parley.daemon.ApiJson;
import dev.parley.daemon.http.Request;
import dev.parley.daemon.http.Response;
import dev.parley.daemon.http.Router;
import dev.parley.client.PeerId;

import java.nio.file.Path;

/** File transfers: send from a path the daemon can read, accept/decline/cancel, list, auto-accept. */
public final class FileRoutes {
    private FileRoutes() {}

    public static void register(Router r, ApiContext ctx) {
        ParleyClient c = ctx.client();
        r.get("/v1/contacts/{peer}/transfers", q -> {
            PeerId p = ctx.contactIn(q);
            return ApiJson.array(c.transfers(p), ApiJson::transfer);
        });
        r.post("/v1/contacts/{peer}/files", q -> {
            PeerId p = ctx.contactIn(q);
            Path file = ApiJson.absolute("path", ApiJson.requireText(q.body(), "path"));
            return c.sendFile(p, file).thenApply(id -> {
                ctx.events().transferCreated(id);
                return Response.accepted(ApiJson.object().put("id", id.toString()).put("peerId", p.value()));
            });
        });
        r.post("/v1/contacts/{peer}/auto-accept", q -> {
            PeerId p = ctx.contactIn(q);
            Long max = q.body().path("maxBytes").isIntegralNumber() ? q.body().get("maxBytes").asLong() : null;
            if (max == null || max < 0) throw ApiError.badRequest("missing field 'maxBytes' (a non-negative integer)");
            c.autoAcceptFiles(p, max);
            return ApiJson.object().put("ok", true);
        });
        r.post("/v1/transfers/{id}/accept", q -> {
            c.acceptFile(known(ctx, q));
            return ApiJson.object().put("ok", true);
        });
        r.post("/v1/transfers/{id}/decline", q -> {
            c.declineFile(known(ctx, q));
            return ApiJson.object().put("ok", true);
        });
        r.post("/v1/transfers/{id}/cancel", q -> {
            c.cancelFile(known(ctx, q));
            return ApiJson.object().put("ok", true);
        });
        r.get("/v1/transfers/{id}", q -> ApiJson.transfer(find(ctx, ApiJson.transferId(q.param("id")))));
    }

    /** The id, if a transfer with it exists (seen in this run, or recorded with any contact); 404 otherwise. */
    static TransferId known(ApiContext ctx, Request q) {
        TransferId id = ApiJson.transferId(q.param("id"));
        if (!ctx.events().knowsTransfer(id)) find(ctx, id);
        return id;
    }

    static Transfer find(ApiContext ctx, TransferId id) {
        for (var k : ctx.client().contacts()) {
            for (Transfer t : ctx.client().transfers(k.peerId())) if (t.id().equals(id)) return t;
        }
        throw ApiError.notFound("no transfer " + id);
    }
}
