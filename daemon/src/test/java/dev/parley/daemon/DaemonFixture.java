package dev.parley.daemon;

import dev.parley.client.ParleyClient;
import dev.parley.client.ParleyConfig;
import dev.parley.client.ParleyEvent;
import dev.parley.client.ParleyListener;
import dev.parley.server.ServerConfig;
import dev.parley.server.SignalingServer;
import dev.parley.testing.EventRecorder;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real signaling server on a free loopback port, a real daemon (a ParleyClient in a temp profile behind
 * the API on a free port) and real peer clients; everything closed at the end, peers before the server.
 */
final class DaemonFixture implements AutoCloseable {
    final Path root;
    final SignalingServer server;
    final int serverPort;
    final List<AutoCloseable> open = new ArrayList<>();
    Daemon daemon;
    DaemonEvents events;
    ApiToken token;
    Api api;

    DaemonFixture(Path root) throws Exception {
        this.root = root;
        server = new SignalingServer(ServerConfig.builder().bindAddress("127.0.0.1").port(0).httpPort(-1)
                .maxConnectionsPerIp(1000).handshakesPerSecondPerIp(1000).handshakeBurstPerIp(1000).build());
        serverPort = server.start().wsPort();
    }

    URI serverUri() {
        return URI.create("ws://127.0.0.1:" + serverPort);
    }

    Path profile(String name) {
        return root.resolve(name);
    }

    /** Starts the daemon on profile "daemon" (online), on a free port. */
    Daemon startDaemon() throws Exception {
        return startDaemon(DaemonConfig.loopback(0), EventLog.DEFAULT_CAPACITY);
    }

    Daemon startDaemon(DaemonConfig config, int eventBuffer) throws Exception {
        events = new DaemonEvents(new EventLog(eventBuffer));
        ParleyClient client = ParleyClient.open(ParleyConfig.builder(profile("daemon")).server(serverUri()).build(), events);
        client.start();
        token = ApiToken.loadOrCreate(profile("daemon"));
        daemon = Daemon.start(client, events, token, config);
        api = new Api(daemon.url(), token.value());
        return daemon;
    }

    /** A peer: a real client on its own profile, online, its every event into a strict recorder (with the declared noise dropped). */
    Peer peer(String name, boolean online) throws Exception {
        Peer p = new Peer(name);
        ParleyConfig.Builder b = ParleyConfig.builder(profile(name));
        if (online) b.server(serverUri());
        p.client = ParleyClient.open(b.build(), p);
        open.add(p.client);
        if (online) p.client.start();
        return p;
    }

    /** A peer client and what it heard. */
    static final class Peer implements ParleyListener {
        final EventRecorder<ParleyEvent> rec;
        ParleyClient client;

        Peer(String name) {
            rec = new EventRecorder<ParleyEvent>(name).timeout(Duration.ofSeconds(30))
                    .ignoring(ParleyEvent.Presence.class, ParleyEvent.SessionStateChanged.class, ParleyEvent.FileProgress.class,
                            ParleyEvent.CallStatsUpdated.class);
        }

        @Override
        public void onEvent(ParleyEvent event) {
            rec.record(event);
        }
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
        if (daemon != null) daemon.close();
        server.close();
    }
}
