package dev.parley.daemon.routes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.client.GroupId;
import dev.parley.client.ParleyClient;
import dev.parley.daemon.ApiContext;
import dev.parley.daemon.ApiError;
import dev.parley.daemon.ApiJson;
import dev.parley.daemon.GroupCallJson;
import dev.parley.daemon.http.Request;
import dev.parley.daemon.http.Router;

/**
 * Group calls (docs/api.md § Group calls), one route per {@code ParleyGroupCalls} method: the daemon
 * plays and records the WAVs (absolute paths) itself. Refusals as the library gives them: busy, full,
 * not a member, no call to join or mute → 409 {@code conflict}; an unknown group, a malformed id or an
 * unusable WAV → 400 {@code bad_request}; {@code GET} of a group with no call → 404.
 */
public final class GroupCallRoutes {
    private GroupCallRoutes() {}

    public static void register(Router r, ApiContext ctx) {
        ParleyClient c = ctx.client();
        r.get("/v1/groups/{group}/call", q -> {
            GroupId g = known(c, q);
            return GroupCallJson.info(c.groupCall(g).orElseThrow(() -> ApiError.notFound("no call in group " + g.value())));
        });
        r.post("/v1/groups/{group}/call", q -> {
            GroupId g = known(c, q);
            c.startGroupCall(g, ApiJson.callMedia(q.body().get("media")));
            return GroupCallJson.info(c.groupCall(g).orElseThrow(() -> ApiError.conflict("the call in group " + g.value() + " ended at once")));
        });
        r.post("/v1/groups/{group}/call/join", q -> {
            GroupId g = known(c, q);
            c.joinGroupCall(g, ApiJson.callMedia(q.body().get("media")));
            return GroupCallJson.info(c.groupCall(g).orElseThrow(() -> ApiError.conflict("the call in group " + g.value() + " ended at once")));
        });
        r.post("/v1/groups/{group}/call/leave", q -> {
            c.leaveGroupCall(known(c, q));
            return ApiJson.object().put("ok", true);
        });
        r.post("/v1/groups/{group}/call/mute", q -> {
            GroupId g = known(c, q);
            JsonNode b = q.body();
            if (!b.path("muted").isBoolean()) throw ApiError.badRequest("missing field 'muted' (true or false)");
            c.muteGroupCall(g, b.get("muted").asBoolean());
            return ApiJson.object().put("ok", true);
        });
    }

    /** The group in the path; 400 when this profile holds no such group. */
    private static GroupId known(ParleyClient c, Request q) {
        GroupId g = GroupRoutes.group(q);
        if (c.group(g).isEmpty()) throw ApiError.badRequest("no group " + g.value());
        return g;
    }
}
