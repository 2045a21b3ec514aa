package dev.parley.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import lombok.extern.slf4j.Slf4j;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * The Netty transport ({@code --transport netty}): one event loop per four cores, at least one (or
 * {@code worker-threads}), each owning its connections. A frame is decoded, parsed and relayed on the thread that read it, and the
 * relayed frame is written straight to the target channel: on the same loop that is a direct write, on
 * another loop one queued task, never a hand-off to a separate decoder or writer thread.
 *
 * <p>Limits as in the Java-WebSocket transport: the frame decoder refuses a frame whose header declares
 * more than {@code max-message-bytes} before reading it (1009); fragments are counted on every
 * continuation frame (1009 once the running total passes the cap); UTF-8 is validated on the whole
 * message (1007); other framing errors are 1002. WebSocket pings go to connections silent for half a heartbeat;
 * one silent for 1.5 heartbeats is cut.
 */
@Slf4j
final class NettyTransport implements Transport {
    private static final int HANDSHAKE = 0, OPEN = 1, CLOSING = 2;
    /** Frames a closing connection may still send before its socket is cut without waiting for its close. */
    private static final int CLOSING_FRAME_ALLOWANCE = 256;

    private final ServerConfig cfg;
    private final Clock clock;
    private final SSLContext ssl;
    private final Relay relay;
    private final WebSocketDecoderConfig decoderConfig;
    private EventLoopGroup group;
    private Channel listener;
    private ScheduledFuture<?> heartbeat;

    NettyTransport(ServerConfig cfg, Clock clock, SSLContext ssl, Relay relay) {
        this.cfg = cfg;
        this.clock = clock;
        this.ssl = ssl;
        this.relay = relay;
        this.decoderConfig = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(cfg.maxMessageBytes())
                .expectMaskedFrames(true).allowMaskMismatch(false).allowExtensions(false)
                .closeOnProtocolViolation(false) // we close: error counted, close frame, then half-close
                .build();
    }

    /**
     * Event loops when {@code worker-threads} is 0: one per four cores, at least one. A relay between two
     * loops costs a queued task and a wake-up of the other loop; on two cores a second loop doubled the
     * server's CPU per message at 5,000 msgs/s and raised p99, and one loop carries ~40,000 msgs/s
     * (docs/benchmarks.md, issue 10). The cores left over serve the kernel's network stack, GC and the JIT.
     */
    static int defaultEventLoops(int cores) {
        return Math.max(1, cores / 4);
    }

    @Override
    public int bind() throws IOException {
        int threads = cfg.workerThreads() > 0 ? cfg.workerThreads() : defaultEventLoops(Runtime.getRuntime().availableProcessors());
        boolean epoll = Epoll.isAvailable();
        DefaultThreadFactory tf = new DefaultThreadFactory("parley-io", true);
        group = epoll ? new EpollEventLoopGroup(threads, tf) : new NioEventLoopGroup(threads, tf);
        int high = (int) Math.min(Integer.MAX_VALUE, cfg.maxQueuedBytes());
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(high / 2, high))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Conn c = new Conn(ch);
                        if (!relay.accepted(c, ch.remoteAddress().getAddress(), ssl != null)) {
                            ch.close();
                            return;
                        }
                        ChannelPipeline p = ch.pipeline();
                        if (c.viaProxy) {
                            // Before TLS: a load balancer's PROXY header precedes the ClientHello.
                            p.addLast("proxy", new ProxyProtocol(a -> relay.clientAddress(c, a), relay::proxyHeaderMalformed));
                        }
                        if (ssl != null) {
                            SSLEngine engine = ssl.createSSLEngine();
                            engine.setUseClientMode(false);
                            p.addLast("tls", new SslHandler(engine));
                        }
                        p.addLast("http", new HttpServerCodec(4096, 8192, 8192));
                        p.addLast("aggregator", new HttpObjectAggregator(8192));
                        p.addLast("parley", c);
                    }
                });
        try {
            listener = b.bind(cfg.bindAddress(), cfg.port()).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException(e.getMessage(), e);
        }
        long hb = cfg.heartbeat().toMillis();
        heartbeat = group.next().scheduleWithFixedDelay(this::heartbeat, hb / 2, hb / 2, TimeUnit.MILLISECONDS);
        log.atDebug().addKeyValue("threads", threads).addKeyValue("epoll", epoll).log("netty transport bound");
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public void shutdown() {
        if (heartbeat != null) heartbeat.cancel(false);
        if (listener != null) listener.close().awaitUninterruptibly(1000);
        if (group != null) group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3000);
    }

    /** WebSocket pings for connections silent for half a heartbeat; cut those silent for 1.5 heartbeats. */
    private void heartbeat() {
        long now = System.nanoTime();
        long hb = cfg.heartbeat().toNanos();
        for (Connection x : relay.connections()) {
            Conn c = (Conn) x;
            if (c.state != OPEN) continue;
            long silent = now - c.lastSeenNanos;
            if (silent > hb + hb / 2) {
                c.cut(Relay.ABNORMAL_CLOSE, "no pong");
            } else if (silent >= hb / 2) {
                c.ch.writeAndFlush(new PingWebSocketFrame(), c.ch.voidPromise());
            }
        }
    }

    /**
     * One socket: the {@link Connection} the relay sees and the last handler of its pipeline. Everything
     * but {@link #deliver}, {@link #sendClose} and {@link #cut} runs on the channel's event loop.
     */
    final class Conn extends Connection implements ChannelInboundHandler {
        final SocketChannel ch;
        volatile int state = HANDSHAKE;
        volatile long lastSeenNanos = System.nanoTime();
        /** The close code sent or received first (0: none yet); what the close is counted as. */
        private int closeCode;
        /** A fragmented text message being assembled; or, for binary, only counted. */
        private CompositeByteBuf assembly;
        private long assembled = -1;
        private boolean assemblingText;
        /** Frames of the message being assembled. */
        private int fragments;
        private int ignoredWhileClosing;
        private boolean opened;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }

        // ---- Connection ----

        @Override
        boolean deliver(String text) {
            if (state != OPEN) return false;
            ch.writeAndFlush(new TextWebSocketFrame(ByteBufUtil.writeUtf8(ch.alloc(), text)), ch.voidPromise());
            return true;
        }

        @Override
        boolean isOpen() {
            return state == OPEN;
        }

        @Override
        boolean handshaking() {
            return state == HANDSHAKE;
        }

        @Override
        boolean backlogOver(int maxMessages, long maxBytes, int maxMessageBytes) {
            ChannelOutboundBuffer b = ch.unsafe().outboundBuffer();
            if (b == null) return false; // closed: delivery fails anyway
            return b.totalPendingWriteBytes() > maxBytes || b.size() >= maxMessages;
        }

        @Override
        void sendClose(int code, String reason) {
            closeSent = code;
            if (state == OPEN) state = CLOSING;
            if (closeCode == 0) closeCode = code;
            // Half-close after the close frame: a client still sending (a flooder) gets the frame and a FIN
            // before any reset, so it learns the close code; its input is read and discarded until it goes.
            ch.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener((ChannelFutureListener) this::afterCloseFrame);
        }

        private void afterCloseFrame(io.netty.channel.ChannelFuture f) {
            if (!f.isSuccess()) {
                ch.close();
            } else if (ssl != null) {
                ch.pipeline().get(SslHandler.class).closeOutbound().addListener((ChannelFutureListener) g -> halfClose());
            } else {
                halfClose();
            }
        }

        @Override
        void cut(int code, String reason) {
            if (closeCode == 0) closeCode = code;
            ch.close();
        }

        /** After a framing violation: close frame, then half-close, and discard input until the client goes. */
        private void refuseFrames(int code) {
            state = CLOSING;
            closeSent = code;
            if (closeCode == 0) closeCode = code;
            ch.writeAndFlush(new CloseWebSocketFrame(code, null)).addListener((ChannelFutureListener) this::afterCloseFrame);
        }

        @Override
        void execute(Runnable task) {
            try {
                ch.eventLoop().execute(task);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                log.atDebug().log("event loop shutting down; task dropped");
            }
        }

        private void halfClose() {
            ch.shutdownOutput();
        }

        // ---- pipeline ----

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof WebSocketFrame f) {
                    frame(ctx, f);
                } else if (msg instanceof FullHttpRequest req) {
                    handshake(ctx, req);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void handshake(ChannelHandlerContext ctx, FullHttpRequest req) {
            if (state != HANDSHAKE || closing()) return;
            if (viaProxy) relay.clientAddress(this, relay.forwardedFor(req.headers().get("X-Forwarded-For")));
            if (!req.decoderResult().isSuccess() || req.method() != HttpMethod.GET
                    || !"websocket".equalsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE))) {
                refuseHttp(HttpResponseStatus.BAD_REQUEST);
                return;
            }
            if (!relay.originAllowed(this, req.headers().get(HttpHeaderNames.ORIGIN))) {
                refuseHttp(HttpResponseStatus.NOT_FOUND);
                return;
            }
            String url = (ssl != null ? "wss://" : "ws://") + req.headers().get(HttpHeaderNames.HOST, "") + req.uri();
            WebSocketServerHandshaker hs = new WebSocketServerHandshakerFactory(url, null, decoderConfig).newHandshaker(req);
            if (hs == null) {
                WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ch).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            hs.handshake(ch, req).addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    ch.close();
                    return;
                }
                if (closing()) return; // the sweep cut it meanwhile
                state = OPEN;
                opened = true;
                lastSeenNanos = System.nanoTime();
                relay.opened(this);
            });
        }

        private void refuseHttp(HttpResponseStatus status) {
            state = CLOSING;
            DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
            r.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0).set(HttpHeaderNames.CONNECTION, "close");
            ch.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }

        private void frame(ChannelHandlerContext ctx, WebSocketFrame f) {
            lastFrameMs = clock.millis();
            lastSeenNanos = System.nanoTime();
            if (f instanceof CloseWebSocketFrame cf) {
                if (closeSent != 0 || state != OPEN) {
                    ch.close(); // the client answered ours
                } else {
                    int code = cf.statusCode();
                    closeCode = code < 0 ? 1005 : code;
                    state = CLOSING;
                    CloseWebSocketFrame reply = code < 0 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, null);
                    ch.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
                }
                return;
            }
            if (state != OPEN) {
                // Closing: read and ignore until the client's close frame, but not without end.
                // Past the allowance stop reading rather than close: closing with unread input would send a
                // reset that can wipe the close frame from the client's buffer; the close timeout cuts it later.
                if (++ignoredWhileClosing > CLOSING_FRAME_ALLOWANCE) ch.config().setAutoRead(false);
                return;
            }
            boolean control = f instanceof PingWebSocketFrame || f instanceof PongWebSocketFrame;
            if (!relay.frame(this, control, f.content().readableBytes())) {
                endAssembly();
                return;
            }
            if (f instanceof PingWebSocketFrame) {
                if (relay.ping(this)) ch.writeAndFlush(new PongWebSocketFrame(f.content().retain()), ch.voidPromise());
                return;
            }
            if (f instanceof PongWebSocketFrame) return;
            int cap = relay.maxMessageBytes(this);
            if (f instanceof ContinuationWebSocketFrame) {
                if (assembled < 0) {
                    violation(1002);
                    return;
                }
                if (++fragments > cfg.maxFragments()) {
                    violation(1009, "too_many_fragments");
                    return;
                }
                assembled += f.content().readableBytes();
                if (assembled > cap) {
                    violation(1009);
                    return;
                }
                if (assemblingText) assembly.addComponent(true, f.content().retain());
                if (f.isFinalFragment()) {
                    boolean text = assemblingText;
                    String s = text ? utf8(assembly) : null;
                    endAssembly();
                    if (!text) relay.binary(this);
                    else if (s == null) violation(1007);
                    else relay.text(this, s);
                }
                return;
            }
            if (f.content().readableBytes() > cap) {
                violation(1009);
                return;
            }
            boolean text = f instanceof TextWebSocketFrame;
            if (!f.isFinalFragment()) {
                endAssembly();
                assembled = f.content().readableBytes();
                fragments = 1;
                assemblingText = text;
                if (text) {
                    assembly = ch.alloc().compositeBuffer(1024);
                    assembly.addComponent(true, f.content().retain());
                }
                return;
            }
            if (text) {
                String s = utf8(f.content());
                if (s == null) violation(1007);
                else relay.text(this, s);
            } else if (f instanceof BinaryWebSocketFrame) {
                relay.binary(this);
            }
        }

        /**
         * The message as a String, or null if it is not valid UTF-8. The JDK's decoder (vectorised for
         * ASCII) replaces bad sequences with U+FFFD, so the strict check runs only when one appears; an
         * all-Latin-1 string cannot contain it, so the usual message costs one indexOf that returns at once.
         * (Netty's Utf8FrameValidator checked every byte in a Java loop: ~7% of relay CPU in the profile.)
         */
        private String utf8(ByteBuf content) {
            String s = content.toString(StandardCharsets.UTF_8);
            if (s.indexOf('\uFFFD') >= 0 && !ByteBufUtil.isText(content, StandardCharsets.UTF_8)) return null;
            return s;
        }

        private void endAssembly() {
            if (assembly != null) {
                assembly.release();
                assembly = null;
            }
            assembled = -1;
        }

        private void violation(int code) {
            endAssembly();
            if (relay.framingViolation(this, code)) refuseFrames(code);
            else ch.close();
        }

        private void violation(int code, String reason) {
            endAssembly();
            if (relay.framingViolation(this, code, reason)) refuseFrames(code);
            else ch.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof CorruptedWebSocketFrameException e && state == OPEN) {
                violation(e.closeStatus().code());
                return;
            }
            if (!(cause instanceof IOException)) {
                log.atDebug().addKeyValue("error", cause.toString()).log("connection error");
            }
            ch.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            endAssembly();
            state = CLOSING;
            if (opened) relay.closed(this, closeCode == 0 ? Relay.ABNORMAL_CLOSE : closeCode);
            relay.released(this);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
        }

        @Override
        public void channelRegistered(ChannelHandlerContext ctx) {
        }

        @Override
        public void channelUnregistered(ChannelHandlerContext ctx) {
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
        }
    }
}
