package dev.parley.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Sends all logging to {@code <profile>/parley.log} so nothing is ever written over the chat screen or
 * into a script's output. Called once a command knows its profile, before the client opens.
 */
final class LogSetup {
    private LogSetup() {}

    static void toProfile(Path profileDir, boolean verbose) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) return;
        ctx.reset();
        ctx.putProperty("PARLEY_LOG_FILE", profileDir.resolve("parley.log").toString());
        ctx.putProperty("PARLEY_LOG_LEVEL", verbose ? "DEBUG" : "INFO");
        JoranConfigurator jc = new JoranConfigurator();
        jc.setContext(ctx);
        try {
            jc.doConfigure(LogSetup.class.getResource("/dev/parley/cli/logback-profile.xml"));
        } catch (JoranException e) {
            System.err.println("parley: logging disabled: " + e.getMessage());
        }
    }
}
