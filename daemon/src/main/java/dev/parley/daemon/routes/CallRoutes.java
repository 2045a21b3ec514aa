package dev.parley.daemon.routes;

import dev.parley.client.CallId;
import dev.parley.client.ParleyClient;
import dev.parley.daemon.ApiContext;
import dev.parley.daemon.ApiError;
import dev.parley.daemon.ApiJson;
import dev.parley.daemon.http.Request;
import dev.parley.daemon.http.Router;
import dev.parley.client.PeerId;

/** Calls: dial (answering once it rings there), answer, decline, hang up, mute, stats, history. */
public final class CallRoutes {
    private CallRoutes() {}

    public static void register(Router r, ApiContext ctx) {
        ParleyClient c = ctx.client();
        r.post("/v1/contacts/{peer}/calls", q -> {
            PeerId p = ctx.contactIn(q);
            return c.call(p, ApiJson.callMedia(q.body().get("media"))).handle((id, failure) -> {
                if (failure != null) throw unreachableUnlessArgumentOrState(failure);
                ctx.events().callPlaced(id);
                return ApiJson.object().put("callId", id.toString()).put("peerId", p.value());
            });
        });
        r.get("/v1/contacts/{peer}/calls", q -> {
            PeerId p = ctx.contactIn(q);
            return ApiJson.array(c.callHistory(p, q.intQuery("limit", 50, 1, 1000)), ApiJson::callRecord);
        });
        r.post("/v1/calls/{id}/answer", q -> {
            c.answerCall(live(ctx, q), ApiJson.callMedia(q.body().get("media")));
            return ApiJson.object().put("ok", true);
        });
        r.post("/v1/calls/{id}/decline", q -> {
            c.declineCall(live(ctx, q));
            return ApiJson.object().put("ok", true);
        });
        r.post("/v1/calls/{id}/hangup", q -> {
            c.hangUp(live(ctx, q));
            return ApiJson.object().put("ok", true);
        });
        r.post("/v1/calls/{id}/mute", q -> {
            CallId id = live(ctx, q);
            if (!q.body().path("muted").isBoolean()) throw ApiError.badRequest("missing field 'muted' (true or false)");
            c.setMuted(id, q.body().get("muted").asBoolean());
            return ApiJson.object().put("ok", true);
        });
        r.get("/v1/calls/stats", q -> ApiJson.callStats(c.callStats().orElseThrow(() -> ApiError.notFound("no active call"))));
    }

    /**
     * How a dial fails, per {@code ParleyClient#call}: already in a call (IllegalStateException → 409),
     * unusable WAV (IllegalArgumentException → 400), or the contact could not be reached in time (504 {@code unreachable}).
     */
    static RuntimeException unreachableUnlessArgumentOrState(Throwable failure) {
        Throwable t = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (t instanceof IllegalStateException || t instanceof IllegalArgumentException || t instanceof ApiError) return (RuntimeException) t;
        return new ApiError(504, "unreachable", t.getMessage() != null ? t.getMessage() : "cannot reach the contact");
    }

    private static CallId live(ApiContext ctx, Request q) {
        CallId id = ApiJson.callId(q.param("id"));
        if (!ctx.events().isLiveCall(id)) throw ApiError.notFound("no call " + id + " is dialing, ringing or active");
        return id;
    }
}
