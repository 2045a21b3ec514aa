package dev.parley.daemon.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.client.ParleyClient;
import dev.parley.daemon.ApiContext;
import dev.parley.daemon.ApiJson;
import dev.parley.daemon.http.Response;
import dev.parley.daemon.http.Router;

/** Health, identity, server state, the download folder, the outbox total and shutdown. */
public final class StateRoutes {
    private StateRoutes() {}

    public static void register(Router r, ApiContext ctx) {
        ParleyClient c = ctx.client();
        r.get("/v1/check", q -> ApiJson.object().put("ok", true).put("peerId", c.peerId().value()).put("version", ctx.version())
                .put("pid", ProcessHandle.current().pid()).put("epoch", ctx.events().log().epoch()).put("lastSeq", ctx.events().log().lastSeq()));
        r.get("/v1/identity", q -> ApiJson.object().put("peerId", c.peerId().value()).put("key", c.identityKey().base64Url())
                .put("contactString", c.contactString(q.query("name")).toString()));
        r.get("/v1/server", q -> {
            ObjectNode o = ApiJson.object().put("url", c.config().server() == null ? null : c.config().server().toString())
                    .put("online", c.isServerOnline());
            o.set("status", ctx.events().serverStatus().<com.fasterxml.jackson.databind.JsonNode>map(ApiJson::serverStatus).orElse(null));
            return o;
        });
        r.get("/v1/audio-notice", q -> ApiJson.object().put("notice", c.audioNotice().orElse(null)));
        r.get("/v1/downloads", q -> ApiJson.object().put("dir", c.downloadDir().toAbsolutePath().toString()));
        r.get("/v1/outbox", q -> ApiJson.object().put("size", c.outboxSize()));
        r.post("/v1/shutdown", q -> {
            ctx.requestShutdown().run();
            return Response.accepted(ApiJson.object().put("ok", true).put("pid", ProcessHandle.current().pid()));
        });
    }
}
