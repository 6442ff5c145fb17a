package dev.nssimg.lifecycle;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback configured in code (cheaper at start-up than logback.xml): one
 * stderr appender, WARN by default, DEBUG with --verbose. Logging starts only
 * when something logs, which on nssimg's paths means docker-java is in use.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext lc) {
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(lc);
        console.setName("stderr");
        console.setTarget("System.err");
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(lc);
        enc.setPattern("nssimg: %level %logger{20}: %msg%n");
        enc.start();
        console.setEncoder(enc);
        console.start();
        ch.qos.logback.classic.Logger root = lc.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level level = Level.toLevel(System.getProperty(Log.LEVEL_PROPERTY, "WARN"), Level.WARN);
        root.setLevel(level);
        root.addAppender(console);
        if (level.toInt() < Level.WARN_INT) {
            // docker-java's HTTP client logs every header and byte at DEBUG, and retries at INFO:
            // not what --verbose is for.
            lc.getLogger("com.github.dockerjava").setLevel(Level.WARN);
        }
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
