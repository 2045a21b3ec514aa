package dev.parley.server;

/** A WebSocket listener that feeds {@link Relay}: Java-WebSocket or Netty ({@code --transport}). */
interface Transport {
    /** Binds and starts serving; returns the port actually bound. */
    int bind() throws java.io.IOException;

    /** Stops listening and closes whatever sockets are left. */
    void shutdown();
}
