package dev.parley.daemon;

import java.nio.file.Path;

/**
 * How the daemon serves: the address and port (0 = a free port), whether a non-loopback address was
 * explicitly asked for, the request body cap, how many events the log keeps and how many unsent live
 * events a connection may have before it is cut, the API threads; the TLS certificate and key (PEM) for
 * HTTPS, required on a non-loopback address; and whether to serve the profile's UNIX socket too.
 */
public record DaemonConfig(String bindAddress, int port, boolean allowNonLoopback, int maxBodyBytes, int eventBuffer,
                           int eventQueue, int apiThreads, String version, Path tlsCertificate, Path tlsKey, boolean unixSocket) {
    public static final int DEFAULT_PORT = 7450;
    public static final String VERSION = "0.1.0-SNAPSHOT";

    public DaemonConfig {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535, was " + port);
        if (maxBodyBytes < 1024) throw new IllegalArgumentException("maxBodyBytes must be at least 1024");
        if ((tlsCertificate == null) != (tlsKey == null)) throw new IllegalArgumentException("TLS needs both a certificate and its key");
    }

    public DaemonConfig(String bindAddress, int port, boolean allowNonLoopback, int maxBodyBytes, int eventBuffer, int eventQueue,
                        int apiThreads, String version) {
        this(bindAddress, port, allowNonLoopback, maxBodyBytes, eventBuffer, eventQueue, apiThreads, version, null, null, true);
    }

    /** 127.0.0.1 on {@code port}, 1 MiB bodies, 10,000 buffered events, 1,000 unsent per connection, 4 API threads. */
    public static DaemonConfig loopback(int port) {
        return new DaemonConfig("127.0.0.1", port, false, 1 << 20, EventLog.DEFAULT_CAPACITY, 1000, 4, VERSION);
    }

    public DaemonConfig withEventQueue(int n) {
        return new DaemonConfig(bindAddress, port, allowNonLoopback, maxBodyBytes, eventBuffer, n, apiThreads, version, tlsCertificate, tlsKey,
                unixSocket);
    }

    public DaemonConfig withMaxBodyBytes(int n) {
        return new DaemonConfig(bindAddress, port, allowNonLoopback, n, eventBuffer, eventQueue, apiThreads, version, tlsCertificate, tlsKey,
                unixSocket);
    }

    public DaemonConfig withBind(String address, boolean allowNonLoopback) {
        return new DaemonConfig(address, port, allowNonLoopback, maxBodyBytes, eventBuffer, eventQueue, apiThreads, version, tlsCertificate, tlsKey,
                unixSocket);
    }

    /** HTTPS with this PEM certificate (chain) and PKCS#8 PEM key; both null: plain HTTP (loopback only). */
    public DaemonConfig withTls(Path certificate, Path key) {
        return new DaemonConfig(bindAddress, port, allowNonLoopback, maxBodyBytes, eventBuffer, eventQueue, apiThreads, version, certificate, key,
                unixSocket);
    }

    /** Whether to serve {@code <profile>/api.sock} too (default yes). */
    public DaemonConfig withUnixSocket(boolean on) {
        return new DaemonConfig(bindAddress, port, allowNonLoopback, maxBodyBytes, eventBuffer, eventQueue, apiThreads, version, tlsCertificate,
                tlsKey, on);
    }
}
