package dev.parley.client.internal;

import java.util.concurrent.ThreadFactory;

/** Named daemon threads, so a client never keeps the JVM alive by its own executors. */
public final class DaemonThreads {
    private DaemonThreads() {}

    public static ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
