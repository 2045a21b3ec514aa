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
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The Netty side: one I/O thread accepting and parsing HTTP/1.1 (keep-alive) and WebSocket, and a few
 * API threads running the routes (each connection is served by one of them, in order). Blocking
 * database work in a route never stalls the I/O thread. The same API is served on the TCP address
 * (HTTPS when given a {@link ServerTls}) and, when asked, on a UNIX socket (mode 0600) for local
 * commands (docs/api.md § UNIX socket).
 */
@lombok.extern.slf4j.Slf4j
public final class ApiServer implements AutoCloseable {
    /** sun_path is 108 bytes on Linux, including the terminating NUL. */
    static final int MAX_SOCKET_PATH = 107;
    private final EventLoopGroup io = new NioEventLoopGroup(1, new DefaultThreadFactory("parley-api-io", true));
    private final EventExecutorGroup workers;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Set<EventSubscriber> streams = ConcurrentHashMap.newKeySet();
    private final Channel server;
    private final int port;
    private EventLoopGroup localIo;
    private Channel local;
    private Path socket;
    private WebUi web;
    private volatile boolean closing;

    /**
     * Binds {@code address:port} (0: any free port), served as HTTPS if {@code tls} is given, with Host
     * and Origin checked against {@code names} (the first the daemon's own name); and, if {@code socket}
     * is given and this system has UNIX sockets (Linux epoll), the same API on that path.
     */
    public ApiServer(InetAddress address, int port, ServerTls tls, List<String> names, Path socket, ApiToken token, Router router,
                     EventLog events, int maxBodyBytes, int eventQueue, int apiThreads,
                     java.util.function.Function<String, java.nio.file.Path> webFiles, java.nio.file.Path uploads) throws InterruptedException {
        workers = new DefaultEventExecutorGroup(apiThreads, new DefaultThreadFactory("parley-api", true));
        Guard[] guard = new Guard[1];
        ServerBootstrap b = new ServerBootstrap().group(io).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) ch.pipeline().addLast(tls.context().newHandler(ch.alloc()));
                        serve(ch, guard[0], maxBodyBytes, router, events, eventQueue);
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
        guard[0] = new Guard(token, this.port, new WebSessions(this.port, tls != null), tls != null ? "https" : "http", names);
        web = new WebUi(guard[0], webFiles, uploads);
        if (socket != null) bindSocket(socket, guard[0].forLocalSocket(), maxBodyBytes, router, events, eventQueue);
    }

    private void serve(Channel ch, Guard guard, int maxBodyBytes, Router router, EventLog events, int eventQueue) {
        channels.add(ch);
        ch.pipeline().addLast(new HttpServerCodec(4096, 16 * 1024, 64 * 1024))
                .addLast(new JsonAggregator(maxBodyBytes))
                .addLast(workers, "api", new ApiHandler(guard, web, router, events, eventQueue, () -> closing, s -> {
                    streams.add(s);
                    ch.closeFuture().addListener(f -> streams.remove(s));
                }));
    }

    /**
     * The UNIX socket: a stale file from a daemon that died is replaced (the profile lock says no other
     * daemon runs); a path too long for a socket address, or no epoll, leaves the API on TCP only.
     */
    private void bindSocket(Path path, Guard guard, int maxBodyBytes, Router router, EventLog events, int eventQueue) throws InterruptedException {
        if (!Epoll.isAvailable()) {
            log.warn("no UNIX socket for the API: {}", Epoll.unavailabilityCause().toString());
            return;
        }
        if (path.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            log.warn("no UNIX socket for the API: {} is longer than {} bytes (a limit of the system); the API is on TCP only", path, MAX_SOCKET_PATH);
            return;
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.warn("no UNIX socket for the API: cannot remove the old {}: {}", path, e.getMessage());
            return;
        }
        localIo = new EpollEventLoopGroup(1, new DefaultThreadFactory("parley-api-local", true));
        ServerBootstrap b = new ServerBootstrap().group(localIo).channel(EpollServerDomainSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        serve(ch, guard, maxBodyBytes, router, events, eventQueue);
                    }
                });
        try {
            local = b.bind(new DomainSocketAddress(path.toFile())).sync().channel();
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            socket = path;
        } catch (Exception e) {
            log.warn("no UNIX socket for the API at {}: {}", path, e.toString());
            if (local != null) local.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
            local = null;
            localIo.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            localIo = null;
        }
    }

    /** The UNIX socket the API is served on too, if there is one. */
    public java.util.Optional<Path> socket() {
        return java.util.Optional.ofNullable(socket);
    }

    public int port() {
        return port;
    }

    /** A new one-time login link for the web interface, {@code http://127.0.0.1:PORT/login?t=…} (docs/web.md). */
    public String newLoginLink() {
        return web.base() + "/login?t=" + web.loginToken();
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
        if (local != null) local.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        if (socket != null) {
            try {
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                log.warn("cannot remove {}: {}", socket, e.getMessage());
            }
        }
        channels.close().awaitUninterruptibly(3, TimeUnit.SECONDS);
        // Both at once, with a quiet period: tearing a pipeline down hops between the I/O and API threads.
        var ioDone = io.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS);
        var workersDone = workers.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS);
        if (localIo != null) localIo.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        ioDone.awaitUninterruptibly(3, TimeUnit.SECONDS);
        workersDone.awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
