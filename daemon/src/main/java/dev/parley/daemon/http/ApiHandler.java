package dev.parley.daemon.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.daemon.ApiError;
import dev.parley.daemon.ApiJson;
import dev.parley.daemon.EventLog;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import lombok.extern.slf4j.Slf4j;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;

/**
 * One connection's requests, on an API thread (one per connection, so responses keep request order):
 * Host, Origin and token checks, then the route, or the events stream. Every error is JSON.
 */
@Slf4j
final class ApiHandler extends SimpleChannelInboundHandler<Object> {
    static final String EVENTS = "/v1/events";

    private final Guard guard;
    private final WebUi web;
    private final Router router;
    private final EventLog events;
    private final int eventQueue;
    private final BooleanSupplier closing;
    private final java.util.function.Consumer<EventSubscriber> opened;
    private WebSocketServerHandshaker handshaker;
    private EventSubscriber subscriber;

    ApiHandler(Guard guard, WebUi web, Router router, EventLog events, int eventQueue, BooleanSupplier closing,
               java.util.function.Consumer<EventSubscriber> opened) {
        this.guard = guard;
        this.web = web;
        this.router = router;
        this.events = events;
        this.eventQueue = eventQueue;
        this.closing = closing;
        this.opened = opened;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest req) http(ctx, req);
        else if (msg instanceof WebSocketFrame f) frame(ctx, f);
    }

    private void http(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (subscriber != null) { // an SSE stream is one request per connection
            ctx.close();
            return;
        }
        try {
            if (!req.decoderResult().isSuccess()) throw ApiError.badRequest("malformed HTTP request");
            guard.checkHost(req.headers().get(HttpHeaderNames.HOST));
            guard.checkOrigin(req.headers().get(HttpHeaderNames.ORIGIN));
            if (closing.getAsBoolean()) throw new ApiError(503, "closing", "the daemon is shutting down");
            QueryStringDecoder qs = new QueryStringDecoder(req.uri());
            String path = qs.path();
            if (path.equals(EVENTS) && req.method().equals(HttpMethod.GET)) {
                events(ctx, req, qs);
                return;
            }
            if (WebUi.serves(path)) {
                web.handle(ctx, req, qs, keepAlive);
                return;
            }
            Guard.Auth auth = guard.auth(req.headers().get(HttpHeaderNames.AUTHORIZATION), req.headers().get(HttpHeaderNames.COOKIE));
            if (auth == Guard.Auth.NONE) throw Guard.unauthorized();
            if (auth == Guard.Auth.COOKIE) {
                guard.checkCookieRequest(!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD),
                        req.headers().get(HttpHeaderNames.ORIGIN));
            }
            Router.Match m = router.match(req.method(), path);
            Request r = new Request(req.method(), path, qs.parameters(), req.content().toString(StandardCharsets.UTF_8), m.params());
            Object result = m.handler().handle(r);
            if (result instanceof CompletionStage<?> stage) {
                stage.whenComplete((v, t) -> respond(ctx, keepAlive, t != null ? failure(req, t) : response(v)));
            } else {
                respond(ctx, keepAlive, response(result));
            }
        } catch (Throwable t) {
            respond(ctx, keepAlive, failure(req, t));
        }
    }

    private static Response response(Object v) {
        if (v instanceof Response r) return r;
        if (v instanceof JsonNode n) return Response.ok(n);
        throw new IllegalStateException("a route returned " + v);
    }

    private static Response failure(FullHttpRequest req, Throwable t) {
        ApiError e = ApiError.of(t);
        if (e.status() >= 500) log.warn("{} {} failed", req.method(), req.uri(), t);
        else log.debug("{} {}: {} {}", req.method(), req.uri(), e.status(), e.getMessage());
        return new Response(e.status(), ApiJson.error(e.code(), e.getMessage()));
    }

    static void respond(ChannelHandlerContext ctx, boolean keepAlive, Response r) {
        byte[] body = ApiJson.write(r.body()).getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()), Unpooled.wrappedBuffer(body));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set("X-Content-Type-Options", "nosniff");
        if (r.status() == 401) res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"parley\"");
        boolean keep = keepAlive && r.status() != 503;
        HttpUtil.setKeepAlive(res, keep);
        var f = ctx.writeAndFlush(res);
        if (!keep) f.addListener(ChannelFutureListener.CLOSE);
    }

    // ------------------------------------------------------------------ events

    private void events(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder qs) {
        Long since = null;
        var s = qs.parameters().get("since");
        if (s != null && !s.isEmpty()) {
            try {
                since = Long.parseLong(s.get(0));
                if (since < 0) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                throw ApiError.badRequest("since must be a non-negative integer (the last seq you got), was '" + s.get(0) + "'");
            }
        }
        var e = qs.parameters().get("epoch");
        String epoch = e == null || e.isEmpty() ? null : e.get(0);
        boolean upgrade = "websocket".equalsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE));
        String protocol = null;
        Guard.Auth auth = guard.auth(req.headers().get(HttpHeaderNames.AUTHORIZATION), req.headers().get(HttpHeaderNames.COOKIE));
        if (auth == Guard.Auth.COOKIE) {
            guard.checkCookieRequest(upgrade, req.headers().get(HttpHeaderNames.ORIGIN)); // a page's WebSocket always sends Origin
        } else if (auth == Guard.Auth.NONE) {
            protocol = upgrade ? guard.tokenProtocol(req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL)) : null;
            if (protocol == null) throw Guard.unauthorized();
        }
        Long from = since;
        if (upgrade) {
            String url = "ws://" + req.headers().get(HttpHeaderNames.HOST) + EVENTS;
            handshaker = new WebSocketServerHandshakerFactory(url, protocol, false, 64 * 1024).newHandshaker(req);
            if (handshaker == null) {
                WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
                return;
            }
            handshaker.handshake(ctx.channel(), req).addListener(f -> {
                if (f.isSuccess()) subscribe(ctx, true, from, epoch);
            });
        } else if (req.headers().contains(HttpHeaderNames.ACCEPT, "text/event-stream", true)
                || String.valueOf(req.headers().get(HttpHeaderNames.ACCEPT)).contains("text/event-stream")) {
            HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                    .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                    .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            ctx.writeAndFlush(res);
            subscribe(ctx, false, from, epoch);
        } else {
            throw ApiError.badRequest("GET /v1/events is a stream: open a WebSocket (Upgrade: websocket) or ask for Accept: text/event-stream");
        }
    }

    private void subscribe(ChannelHandlerContext ctx, boolean websocket, Long since, String epoch) {
        subscriber = new EventSubscriber(ctx.channel(), websocket, eventQueue, events);
        opened.accept(subscriber);
        events.subscribe(since, epoch, subscriber);
    }

    private void frame(ChannelHandlerContext ctx, WebSocketFrame f) {
        if (f instanceof CloseWebSocketFrame c) {
            if (subscriber != null) subscriber.closed();
            handshaker.close(ctx.channel(), c.retain());
        } else if (f instanceof PingWebSocketFrame p) {
            ctx.writeAndFlush(new PongWebSocketFrame(p.content().retain()));
        }
        // text from the client means nothing (yet): the stream is one-way
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (subscriber != null) subscriber.closed();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("API connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
