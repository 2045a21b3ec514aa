package dev.parley.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import lombok.extern.slf4j.Slf4j;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The operator's HTTP endpoint: {@code /healthz} answers 200, or 503 while draining; {@code /metrics} is
 * the Prometheus text format. Binds loopback unless configured otherwise.
 *
 * <p>Netty on its own event loop ({@code parley-ops-http}), so nothing a socket does can block another:
 * each connection gets {@link #requestDeadline} from accept to a complete request (slow sockets that
 * trickle a request are cut, however steadily they trickle), one response, then the connection closes.
 * At most {@link #maxConnections} are open; a new one beyond that evicts the oldest, so a pile of slow
 * sockets can never lock the health checker out. Both are counted in
 * {@code parley_ops_http_dropped_total{reason}}.
 */
@Slf4j
final class OpsHttp {
    static final Duration REQUEST_DEADLINE = Duration.ofSeconds(5);
    static final int MAX_CONNECTIONS = 256;

    private final Metrics metrics;
    private final BooleanSupplier draining;
    /** /ready: also false while a cluster node cannot reach Redis (/healthz stays about the process). */
    private final BooleanSupplier clusterReady;
    private final Duration requestDeadline;
    private final int maxConnections;
    private final EventLoopGroup group;
    private final Channel listener;
    /** Open connections, oldest first; touched only on the one event loop. */
    private final LinkedHashSet<Channel> open = new LinkedHashSet<>();

    OpsHttp(String bind, int port, Metrics metrics, BooleanSupplier draining) throws IOException {
        this(bind, port, metrics, draining, () -> true, REQUEST_DEADLINE, MAX_CONNECTIONS);
    }

    OpsHttp(String bind, int port, Metrics metrics, BooleanSupplier draining, BooleanSupplier clusterReady) throws IOException {
        this(bind, port, metrics, draining, clusterReady, REQUEST_DEADLINE, MAX_CONNECTIONS);
    }

    OpsHttp(String bind, int port, Metrics metrics, BooleanSupplier draining, Duration requestDeadline,
            int maxConnections) throws IOException {
        this(bind, port, metrics, draining, () -> true, requestDeadline, maxConnections);
    }

    OpsHttp(String bind, int port, Metrics metrics, BooleanSupplier draining, BooleanSupplier clusterReady,
            Duration requestDeadline, int maxConnections) throws IOException {
        this.metrics = metrics;
        this.draining = draining;
        this.clusterReady = clusterReady;
        this.requestDeadline = requestDeadline;
        this.maxConnections = maxConnections;
        group = new NioEventLoopGroup(1, new DefaultThreadFactory("parley-ops-http", true));
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 128)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        admit(ch);
                        ch.pipeline().addLast(new HttpServerCodec(1024, 4096, 1024),
                                new HttpObjectAggregator(1024), new Handler());
                    }
                });
        try {
            listener = b.bind(bind, port).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException(e.getMessage(), e);
        }
    }

    /** On the event loop: track the connection, evict the oldest if full, arm its deadline. */
    private void admit(SocketChannel ch) {
        if (open.size() >= maxConnections) {
            Iterator<Channel> it = open.iterator();
            Channel oldest = it.next();
            it.remove();
            metrics.opsDropped("evicted");
            oldest.close();
        }
        open.add(ch);
        ch.closeFuture().addListener(f -> open.remove(ch));
        ch.eventLoop().schedule(() -> {
            if (ch.isOpen() && open.contains(ch)) {
                metrics.opsDropped("timeout");
                ch.close();
            }
        }, requestDeadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    void start() {
        // bound and serving since construction
    }

    int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    void stop() {
        listener.close().awaitUninterruptibly(1000);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3000);
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            open.remove(ctx.channel()); // answered: the deadline no longer applies
            HttpMethod m = req.method();
            boolean head = HttpMethod.HEAD.equals(m);
            String path = req.uri();
            int q = path.indexOf('?');
            if (q >= 0) path = path.substring(0, q);
            FullHttpResponse r;
            if (!req.decoderResult().isSuccess()) {
                r = response(HttpResponseStatus.BAD_REQUEST, "text/plain; charset=utf-8", "bad request\n", false);
            } else if (!head && !HttpMethod.GET.equals(m)) {
                r = response(HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain; charset=utf-8", "", false);
            } else if (path.equals("/healthz")) {
                boolean d = draining.getAsBoolean();
                r = response(d ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.OK,
                        "text/plain; charset=utf-8", d ? "draining\n" : "ok\n", head);
            } else if (path.equals("/ready")) {
                boolean d = draining.getAsBoolean(), c = clusterReady.getAsBoolean();
                r = response(d || !c ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.OK,
                        "text/plain; charset=utf-8", d ? "draining\n" : c ? "ready\n" : "cluster directory unreachable\n", head);
            } else if (path.equals("/metrics")) {
                r = response(HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8", metrics.render(), head);
            } else {
                r = response(HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8", "try /healthz, /ready or /metrics\n", head);
            }
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!(cause instanceof IOException)) log.atDebug().addKeyValue("error", cause.toString()).log("ops http error");
            ctx.close();
        }
    }

    private static FullHttpResponse response(HttpResponseStatus status, String type, String body, boolean head) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ByteBuf content = head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return r;
    }
}
