package dev.parley.daemon.http;

import dev.parley.daemon.ApiJson;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;

/** Whole requests up to the body cap; a larger one gets a JSON 413 {@code too_large} (the connection closes if it is far larger). */
final class JsonAggregator extends HttpObjectAggregator {
    private final int max;

    JsonAggregator(int maxBytes) {
        super(maxBytes);
        this.max = maxBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        if (oversized instanceof HttpRequest) {
            // Closing at once would make a client still writing the body miss the answer (connection reset): a
            // declared body up to 8 times the cap is read and dropped, and the connection stays usable.
            long length = HttpUtil.getContentLength(oversized, -1L);
            boolean keep = HttpUtil.isKeepAlive(oversized) && length >= 0 && length <= 8L * max;
            ApiHandler.respond(ctx, keep, new Response(413, ApiJson.error("too_large", "the body is larger than " + max + " bytes")));
        } else {
            super.handleOversizedMessage(ctx, oversized);
        }
    }
}
