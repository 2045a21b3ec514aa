package dev.parley.daemon.http;

import dev.parley.daemon.ApiToken;
import dev.parley.daemon.EventLog;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The Netty side: one I/O thread accepting and parsing HTTP/1.1 (keep-alive) and WebSocket, and a few
 * API threads running the routes (each connection is served by one of them, in order). Blocking
 * database work in a route never stalls the I/O thread.
 */
public final class ApiServer implements AutoCloseable {
    private final EventLoopGroup io = new NioEventLoopGroup(1, new DefaultThreadFactory("parley-api-io", true));
    private final EventExecutorGroup workers;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Set<EventSubscriber> streams = ConcurrentHashMap.newKeySet();
    private final Channel server;
    private final int port;
    private WebUi web;
    private volatile boolean closing;

    /**
     * Binds {@code address:port} (0: any free port).
     *
     * @throws IllegalArgumentException for an address that is not loopback (see docs/api.md § Remote access)
     */
    public ApiServer(InetAddress address, int port, ApiToken token, Router router, EventLog events, int maxBodyBytes,
                     int eventQueue, int apiThreads, java.util.function.Function<String, java.nio.file.Path> webFiles,
                     java.nio.file.Path uploads) throws InterruptedException {
        workers = new DefaultEventExecutorGroup(apiThreads, new DefaultThreadFactory("parley-api", true));
        Guard[] guard = new Guard[1];
        ServerBootstrap b = new ServerBootstrap().group(io).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        ch.pipeline().addLast(new HttpServerCodec(4096, 16 * 1024, 64 * 1024))
                                .addLast(new JsonAggregator(maxBodyBytes))
                                .addLast(workers, "api", new ApiHandler(guard[0], web, router, events, eventQueue, () -> closing, s -> {
                                    streams.add(s);
                                    ch.closeFuture().addListener(f -> streams.remove(s));
                                }));
                    }
                });
        try {
            server = b.bind(new InetSocketAddress(address, port)).sync().channel();
        } catch (Exception e) { // Netty rethrows the bind's IOException unchecked
            io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (e instanceof RuntimeException r) throw r;
            if (e instanceof InterruptedException i) throw i;
            throw new IllegalStateException("cannot bind " + address.getHostAddress() + ":" + port + ": " + e.getMessage(), e);
        }
        this.port = ((InetSocketAddress) server.localAddress()).getPort();
        guard[0] = new Guard(token, this.port, new WebSessions(this.port));
        web = new WebUi(guard[0], webFiles, uploads);
    }

    public int port() {
        return port;
    }

    /** A new one-time login link for the web interface, {@code http://127.0.0.1:PORT/login?t=…} (docs/web.md). */
    public String newLoginLink() {
        return "http://127.0.0.1:" + port + "/login?t=" + web.loginToken();
    }

    /** From now on requests get 503 {@code closing}. */
    public void beginClosing() {
        closing = true;
    }

    /** Ends every events stream (close code 1001), closes every connection and the listening socket. */
    @Override
    public void close() {
        closing = true;
        for (EventSubscriber s : streams) s.cut("daemon shutting down");
        server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        channels.close().awaitUninterruptibly(3, TimeUnit.SECONDS);
        // Both at once, with a quiet period: tearing a pipeline down hops between the I/O and API threads.
        var ioDone = io.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS);
        var workersDone = workers.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS);
        ioDone.awaitUninterruptibly(3, TimeUnit.SECONDS);
        workersDone.awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
