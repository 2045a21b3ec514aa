package dev.parley.daemon.http;

import dev.parley.daemon.EventLog;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import lombok.extern.slf4j.Slf4j;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One events connection (WebSocket text frames, or SSE {@code id:}/{@code data:} records). Frames are
 * handed to Netty at once and never block the daemon; a reader that leaves more than {@code limit} live
 * events unsent is cut: WebSocket close code 1008 with a reason, SSE a final {@code event: cut} record;
 * it reconnects with {@code since} (docs/api.md § Slow readers).
 */
@Slf4j
final class EventSubscriber implements EventLog.Subscriber {
    static final int CLOSE_TOO_SLOW = 1008;
    static final int CLOSE_GOING_AWAY = 1001;

    private final Channel channel;
    private final boolean websocket;
    private final int limit;
    private final EventLog events;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile boolean cut;

    EventSubscriber(Channel channel, boolean websocket, int limit, EventLog log) {
        this.channel = channel;
        this.websocket = websocket;
        this.limit = limit;
        this.events = log;
    }

    @Override
    public void replay(List<EventLog.Entry> entries) {
        for (EventLog.Entry e : entries) channel.write(frame(e)); // the catch-up is not counted against the limit
        channel.flush();
    }

    @Override
    public void live(EventLog.Entry e) {
        if (cut) return;
        if (pending.incrementAndGet() > limit) {
            cut("too slow: more than " + limit + " events unsent; reconnect with since=<the last seq you got>");
            return;
        }
        channel.writeAndFlush(frame(e)).addListener(f -> pending.decrementAndGet());
    }

    private Object frame(EventLog.Entry e) {
        if (websocket) return new TextWebSocketFrame(e.json());
        return new DefaultHttpContent(Unpooled.copiedBuffer("id: " + e.seq() + "\ndata: " + e.json() + "\n\n", StandardCharsets.UTF_8));
    }

    /** Ends the stream with a reason (the daemon closing, or a reader too slow). */
    void cut(String reason) {
        if (cut) return;
        cut = true;
        events.unsubscribe(this);
        log.info("events connection {} cut: {}", channel.remoteAddress(), reason);
        int code = reason.startsWith("too slow") ? CLOSE_TOO_SLOW : CLOSE_GOING_AWAY;
        Object last = websocket ? new CloseWebSocketFrame(code, reason)
                : new DefaultHttpContent(Unpooled.copiedBuffer("event: cut\ndata: {\"code\":" + code + ",\"reason\":\"" + reason + "\"}\n\n",
                StandardCharsets.UTF_8));
        channel.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
        // A reader that reads nothing never lets the close frame out: drop it after a bound.
        channel.eventLoop().schedule(() -> channel.close(), 2, TimeUnit.SECONDS);
    }

    void closed() {
        cut = true;
        events.unsubscribe(this);
    }
}
