package dev.parley.cli;

import dev.parley.server.ServerConfig;
import dev.parley.server.SignalingServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real signaling server on a free loopback port for one test class, started before its first test and
 * closed after its last: {@code @RegisterExtension static final LocalServer server = new LocalServer();}
 * then {@code CliProcess.as(profile, server.url(), …)}.
 */
final class LocalServer implements BeforeAllCallback, AfterAllCallback {
    private SignalingServer server;
    private String url;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = new SignalingServer(ServerConfig.builder().bindAddress("127.0.0.1").port(0).httpPort(-1).build());
        url = "ws://127.0.0.1:" + server.start().wsPort();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) server.close();
    }

    /** {@code ws://127.0.0.1:PORT}. */
    String url() {
        return url;
    }
}
