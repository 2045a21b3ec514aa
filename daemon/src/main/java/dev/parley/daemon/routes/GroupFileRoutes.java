package dev.parley.daemon.routes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.client.GroupMessageId;
import dev.parley.client.ParleyClient;
import dev.parley.daemon.ApiContext;
import dev.parley.daemon.ApiError;
import dev.parley.daemon.ApiJson;
import dev.parley.daemon.GroupFileJson;
import dev.parley.daemon.GroupJson;
import dev.parley.daemon.http.Response;
import dev.parley.daemon.http.Router;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Group files (docs/api.md § Group files), one route per {@code ParleySwarm} method; progress and the
 * rest come as {@code group-file} events. An unreadable file or a bad id → 400; a file this member
 * does not know, or one it cannot accept now → 409 (the library's refusals).
 */
public final class GroupFileRoutes {
    private GroupFileRoutes() {}

    public static void register(Router r, ApiContext ctx) {
        ParleyClient c = ctx.client();
        r.get("/v1/group-files", q -> ApiJson.array(c.groupFiles(), GroupFileJson::offer));
        r.get("/v1/group-files/{id}", q -> {
            GroupMessageId id = id(q.param("id"));
            return GroupFileJson.file(c.groupFile(id).orElseThrow(() -> ApiError.notFound("no group file " + id.value())));
        });
        r.post("/v1/groups/{group}/files", q -> {
            Path file = ApiJson.absolute("path", ApiJson.requireText(q.body(), "path"));
            try {
                return Response.created(GroupFileJson.offer(c.shareFileToGroup(GroupRoutes.group(q), file)));
            } catch (IOException e) {
                throw ApiError.badRequest("cannot read " + file + ": " + e.getMessage());
            }
        });
        r.post("/v1/group-files/{id}/accept", q -> {
            c.acceptGroupFile(id(q.param("id")));
            return ok();
        });
        r.post("/v1/group-files/{id}/decline", q -> {
            c.declineGroupFile(id(q.param("id")));
            return ok();
        });
        r.post("/v1/groups/{group}/files/auto-accept", q -> {
            Long max = q.body().path("maxBytes").isIntegralNumber() ? q.body().get("maxBytes").asLong() : null;
            if (max == null || max < 0) throw ApiError.badRequest("missing field 'maxBytes' (0 or more; 0: no auto-accept)");
            c.autoAcceptGroupFiles(GroupRoutes.group(q), max);
            return ok();
        });
        r.post("/v1/group-files/upload-limit", q -> {
            Long bps = q.body().path("bytesPerSecond").isIntegralNumber() ? q.body().get("bytesPerSecond").asLong() : null;
            if (bps == null || bps < 0) throw ApiError.badRequest("missing field 'bytesPerSecond' (0 or more; 0: no cap)");
            c.setGroupFileUploadLimit(bps);
            return ok();
        });
    }

    private static GroupMessageId id(String s) {
        return GroupJson.groupMessageId(s);
    }

    private static JsonNode ok() {
        return ApiJson.object();
    }
}
