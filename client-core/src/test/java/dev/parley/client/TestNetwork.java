package dev.parley.client;

import dev.parley.server.ServerConfig;
import dev.parley.server.SignalingServer;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A real signaling server on a free loopback port and real clients in temp profiles, all closed at the end. */
final class TestNetwork implements AutoCloseable {
    private final Path root;
    private final List<AutoCloseable> open = new ArrayList<>();
    SignalingServer server;
    int port;

    TestNetwork(Path root) throws Exception {
        this.root = root;
        startServer(0);
    }

    static ServerConfig.ServerConfigBuilder serverConfig(int port) {
        return ServerConfig.builder().bindAddress("127.0.0.1").port(port).httpPort(-1)
                .maxConnectionsPerIp(1000).handshakesPerSecondPerIp(1000).handshakeBurstPerIp(1000);
    }

    void startServer(int wantedPort) throws Exception {
        server = new SignalingServer(serverConfig(wantedPort).build());
        port = server.start().wsPort();
    }

    /**
     * Restarts the server on its port, also accepting logins signed for {@code extraAuthority} (what
     * clients dial when a proxy sits in front): the server binds logins to its own names, never Host.
     */
    void restartServerAlsoNamed(String extraAuthority) throws Exception {
        server.close();
        server = new SignalingServer(serverConfig(port)
                .publicHosts(java.util.List.of("127.0.0.1:" + port, extraAuthority)).build());
        port = server.start().wsPort();
    }

    void stopServer() {
        server.close();
    }

    URI uri() {
        return URI.create("ws://127.0.0.1:" + port);
    }

    Path profile(String name) {
        return root.resolve(name);
    }

    /** Opens (and starts) a client on profile {@code name}. */
    ParleyClient client(String name, ParleyListener listener) throws Exception {
        ParleyClient c = ParleyClient.open(ParleyConfig.builder(profile(name)).server(uri()).build(), listener);
        open.add(c);
        c.start();
        return c;
    }

    /** Makes each a contact of the other, with keys pinned from their contact strings. */
    static void befriend(ParleyClient a, String aName, ParleyClient b, String bName) {
        a.addContact(b.contactString(bName).toString(), null);
        b.addContact(a.contactString(aName).toString(), null);
    }

    /** Closes {@code c} with the network (before the server stops). */
    void track(AutoCloseable c) {
        open.add(c);
    }

    @Override
    public void close() {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        if (server != null) server.close();
    }
}
