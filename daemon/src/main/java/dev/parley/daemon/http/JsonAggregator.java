package dev.parley.daemon.http;

import dev.parley.daemon.ApiJson;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;

/** Whole requests up to the body cap; a larger one gets a JSON 413 {@code too_large} and the connection closes. */
final class JsonAggregator extends HttpObjectAggregator {
    private final int max;

    JsonAggregator(int maxBytes) {
        super(maxBytes);
        this.max = maxBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        if (oversized instanceof HttpRequest) {
            ApiHandler.respond(ctx, false, new Response(413, ApiJson.error("too_large", "the body is larger than " + max + " bytes")));
        } else {
            super.handleOversizedMessage(ctx, oversized);
        }
    }
}
