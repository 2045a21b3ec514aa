package dev.parley.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Sends all logging to {@code <profile>/parley.log} (rolled at 5 MB, two old files kept) so nothing is
 * ever written over the chat screen or into a script's output. Called once a command knows its
 * profile, before the client opens. Configured in code, not XML: parsing logback's XML costs a
 * one-shot command about a tenth of a second (docs/benchmarks.md, daemon).
 */
final class LogSetup {
    private LogSetup() {}

    static void toProfile(Path profileDir, boolean verbose) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) return;
        ctx.reset();
        String file = profileDir.resolve("parley.log").toString();

        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(ctx);
        appender.setName("FILE");
        appender.setFile(file);

        FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(ctx);
        rolling.setParent(appender);
        rolling.setFileNamePattern(file + ".%i");
        rolling.setMinIndex(1);
        rolling.setMaxIndex(2);
        appender.setRollingPolicy(rolling);

        SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
        trigger.setContext(ctx);
        trigger.setMaxFileSize(FileSize.valueOf("5MB"));
        appender.setTriggeringPolicy(trigger);

        appender.setEncoder(TerminalLogging.encoder(ctx, "%d{yyyy-MM-dd HH:mm:ss.SSS} [%thread] %-5level %logger{30} - %msg%n"));
        rolling.start();
        trigger.start();
        appender.start();

        ctx.getLogger("org.java_websocket").setLevel(Level.WARN);
        ctx.getLogger("dev.parley").setLevel(verbose ? Level.DEBUG : Level.INFO);
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(appender);
    }
}
