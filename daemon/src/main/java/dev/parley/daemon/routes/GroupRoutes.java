package dev.parley.daemon.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.parley.client.GroupId;
import dev.parley.client.GroupMessageId;
import dev.parley.client.ParleyClient;
import dev.parley.client.PeerId;
import dev.parley.daemon.ApiContext;
import dev.parley.daemon.ApiError;
import dev.parley.daemon.ApiJson;
import dev.parley.daemon.GroupCallJson;
import dev.parley.daemon.GroupJson;
import dev.parley.daemon.http.Request;
import dev.parley.daemon.http.Response;
import dev.parley.daemon.http.Router;

/**
 * Groups (docs/api.md § Groups), one route per {@code ParleyGroups} method, with the library's
 * refusals as they are: not an admin, full, not a member → 409 {@code conflict}; an unknown group or a
 * malformed id → 400 {@code bad_request} (a {@code GET} of one group that does not exist → 404).
 */
public final class GroupRoutes {
    private GroupRoutes() {}

    public static void register(Router r, ApiContext ctx) {
        ParleyClient c = ctx.client();
        r.get("/v1/groups", q -> ApiJson.array(c.groups(), GroupJson::group));
        r.post("/v1/groups", q -> Response.created(GroupJson.group(c.createGroup(ApiJson.requireText(q.body(), "name")))));
        r.get("/v1/groups/{group}", q -> {
            GroupId g = group(q);
            return GroupJson.group(c.group(g).orElseThrow(() -> ApiError.notFound("no group " + g.value())));
        });
        r.get("/v1/groups/{group}/members", q -> ApiJson.array(c.members(group(q)), GroupJson::member));
        r.get("/v1/groups/{group}/messages", q -> {
            String after = q.query("after");
            return ApiJson.array(c.groupHistory(group(q), after == null ? null : GroupJson.groupMessageId(after),
                    q.intQuery("limit", 100, 1, 1000)), GroupJson::post);
        });
        r.get("/v1/groups/{group}/calls", q ->
                ApiJson.array(c.groupCallHistory(group(q), q.intQuery("limit", 50, 1, 1000)), GroupCallJson::record));
        r.post("/v1/groups/{group}/messages", q ->
                Response.created(GroupJson.post(c.sendToGroup(group(q), ApiJson.requireText(q.body(), "text")))));
        r.post("/v1/groups/{group}/invite", q -> {
            JsonNode peers = q.body().get("peers");
            if (peers == null || !peers.isArray() || peers.isEmpty()) throw ApiError.badRequest("missing field 'peers' (an array of peer ids)");
            c.invite(group(q), ApiJson.list(peers, n -> ApiJson.peer(n.isTextual() ? n.asText() : null)));
            return ok();
        });
        r.post("/v1/groups/{group}/accept", q -> {
            c.acceptGroup(group(q));
            return ok();
        });
        r.post("/v1/groups/{group}/decline", q -> {
            c.declineGroup(group(q));
            return ok();
        });
        r.post("/v1/groups/{group}/leave", q -> {
            c.leaveGroup(group(q));
            return ok();
        });
        r.post("/v1/groups/{group}/remove", q -> {
            c.removeFromGroup(group(q), ApiJson.peer(ApiJson.requireText(q.body(), "peerId")));
            return ok();
        });
        r.post("/v1/groups/{group}/rename", q -> {
            c.renameGroup(group(q), ApiJson.requireText(q.body(), "name"));
            return ok();
        });
        r.post("/v1/groups/{group}/admin", q -> {
            JsonNode b = q.body();
            if (!b.path("admin").isBoolean()) throw ApiError.badRequest("missing field 'admin' (true or false)");
            c.setGroupAdmin(group(q), ApiJson.peer(ApiJson.requireText(b, "peerId")), b.get("admin").asBoolean());
            return ok();
        });
        r.get("/v1/groups/{group}/members/{peer}/safety-number", q -> {
            PeerId p = ApiJson.peer(q.param("peer"));
            return ApiJson.object().put("peerId", p.value()).put("safetyNumber", c.groupSafetyNumber(group(q), p));
        });
        r.get("/v1/group-messages/{id}/delivered", q -> {
            GroupMessageId id = GroupJson.groupMessageId(q.param("id"));
            return ApiJson.object().put("id", id.value()).set("deliveredTo", ApiJson.array(c.groupDeliveredTo(id), p -> TextNode.valueOf(p.value())));
        });
        r.post("/v1/groups/{group}/read", q -> {
            String upTo = ApiJson.text(q.body(), "upTo");
            c.markGroupRead(group(q), upTo == null ? null : GroupJson.groupMessageId(upTo));
            return ok();
        });
        r.post("/v1/groups/{group}/typing", q -> {
            if (!q.body().path("typing").isBoolean()) throw ApiError.badRequest("missing field 'typing' (true or false)");
            c.setGroupTyping(group(q), q.body().get("typing").asBoolean());
            return ok();
        });
        r.get("/v1/group-messages/{id}/read", q -> {
            GroupMessageId id = GroupJson.groupMessageId(q.param("id"));
            return ApiJson.object().put("id", id.value()).set("readBy", ApiJson.array(c.groupReadBy(id), p -> TextNode.valueOf(p.value())));
        });
    }

    static GroupId group(Request q) {
        return GroupJson.groupId(q.param("group"));
    }

    private static JsonNode ok() {
        return ApiJson.object().put("ok", true);
    }
}
