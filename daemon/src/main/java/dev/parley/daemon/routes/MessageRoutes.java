package dev.parley.daemon.routes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.client.ChatMessage;
import dev.parley.client.Direction;
import dev.parley.client.HistoryQuery;
import dev.parley.client.MessageId;
import dev.parley.client.MessageState;
import dev.parley.client.ParleyClient;
import dev.parley.daemon.ApiContext;
import dev.parley.daemon.ApiError;
import dev.parley.daemon.ApiJson;
import dev.parley.daemon.http.Request;
import dev.parley.daemon.http.Response;
import dev.parley.daemon.http.Router;
import dev.parley.client.PeerId;

import java.util.Locale;
import java.util.Optional;

/** Conversations: history pages, send (idempotent with the client's id), one message, outbox, unread, read, typing. */
public final class MessageRoutes {
    private MessageRoutes() {}

    public static void register(Router r, ApiContext ctx) {
        ParleyClient c = ctx.client();
        r.get("/v1/contacts/{peer}/messages", q -> {
            PeerId p = ctx.contactIn(q);
            return ApiJson.page(c.history(p, query(q)));
        });
        r.post("/v1/contacts/{peer}/messages", q -> {
            PeerId p = ctx.contactIn(q);
            JsonNode b = q.body();
            String text = ApiJson.requireText(b, "text");
            String id = ApiJson.text(b, "id");
            if (id == null) return Response.created(ApiJson.message(c.send(p, text)));
            MessageId mid = ApiJson.messageId(id);
            Optional<ChatMessage> before = c.message(mid);
            if (before.isPresent()) {
                ChatMessage m = before.get();
                if (m.direction() != Direction.OUTGOING || !m.peer().equals(p) || !m.text().equals(text)) {
                    throw ApiError.conflict("message id " + id + " already names a different message");
                }
                return Response.ok(ApiJson.message(m)); // a retry: the stored message, sent once
            }
            return Response.created(ApiJson.message(c.send(p, text, mid)));
        });
        r.get("/v1/messages/{id}", q -> {
            MessageId id = ApiJson.messageId(q.param("id"));
            return ApiJson.message(c.message(id).orElseThrow(() -> ApiError.notFound("no message " + id)));
        });
        r.get("/v1/contacts/{peer}/outbox", q -> {
            PeerId p = ctx.contactIn(q);
            return ApiJson.array(c.outbox(p), ApiJson::message);
        });
        r.get("/v1/contacts/{peer}/unread", q -> {
            PeerId p = ctx.contactIn(q);
            return ApiJson.object().put("peerId", p.value()).put("unread", c.unreadCount(p));
        });
        r.post("/v1/contacts/{peer}/read", q -> {
            PeerId p = ctx.contactIn(q);
            String upTo = ApiJson.text(q.body(), "upTo");
            if (upTo == null) c.markRead(p);
            else {
                MessageId id = ApiJson.messageId(upTo);
                ChatMessage m = c.message(id).orElseThrow(() -> ApiError.notFound("no message " + id));
                if (!m.peer().equals(p)) throw ApiError.badRequest("message " + id + " is not in the conversation with " + p.value());
                c.markRead(id);
            }
            // the library marks asynchronously: message-state "read" events follow, and the receipts go out
            return Response.accepted(ApiJson.object().put("ok", true).put("peerId", p.value()));
        });
        r.post("/v1/contacts/{peer}/typing", q -> {
            PeerId p = ctx.contactIn(q);
            Boolean typing = q.body().has("typing") && q.body().get("typing").isBoolean() ? q.body().get("typing").asBoolean() : null;
            if (typing == null) throw ApiError.badRequest("missing field 'typing' (true or false)");
            c.setTyping(p, typing);
            return ApiJson.object().put("ok", true);
        });
    }

    /** {@code order=newest|oldest}, {@code before}/{@code after} (a cursor from a page's {@code next}), {@code limit}, {@code direction}, {@code atLeast}. */
    static HistoryQuery query(Request q) {
        String order = q.query("order");
        String before = q.query("before"), after = q.query("after");
        boolean forward;
        if (order == null) forward = after != null;
        else if (order.equals("newest")) forward = false;
        else if (order.equals("oldest")) forward = true;
        else throw ApiError.badRequest("order must be 'newest' or 'oldest', was '" + order + "'");
        if (before != null && after != null) throw ApiError.badRequest("give 'before' or 'after', not both");
        if (forward && before != null) throw ApiError.badRequest("'before' pages newest first; use 'after' with order=oldest");
        if (!forward && after != null) throw ApiError.badRequest("'after' pages oldest first; use 'before' with order=newest");
        HistoryQuery h = forward ? HistoryQuery.oldestFirst() : HistoryQuery.newestFirst();
        String cursor = forward ? after : before;
        if (cursor != null) h = h.from(ApiJson.cursor(cursor));
        h = h.limit(q.intQuery("limit", 50, 1, 1000));
        String dir = q.query("direction");
        if (dir != null) h = h.direction(enumOf(Direction.class, "direction", dir));
        String atLeast = q.query("atLeast");
        if (atLeast != null) h = h.atLeast(enumOf(MessageState.class, "atLeast", atLeast));
        return h;
    }

    static <E extends Enum<E>> E enumOf(Class<E> type, String field, String s) {
        try {
            return Enum.valueOf(type, s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("bad " + field + " '" + s + "'");
        }
    }
}
