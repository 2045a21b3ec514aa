package dev.parley.server;

import dev.parley.server.cli.ServeCommand;
import picocli.CommandLine;

/** Runs the signaling server on its own: {@code java -cp ... dev.parley.server.ServerMain --port 8080}. */
public final class ServerMain {
    private ServerMain() {}

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "dev/parley/server/logback-server.xml");
        }
        int code = new CommandLine(new ServeCommand()).setCommandName("parley-server").execute(args);
        System.exit(code);
    }
}
