package dev.nssimg.lifecycle;

import org.slf4j.LoggerFactory;

/**
 * An invocation's debug logging, which costs nothing unless --verbose: SLF4J (and so Logback) starts only
 * when something logs. docker-java starts it on engine paths; planning paths (--help, --dry-run, profiles)
 * never do.
 */
public final class Log {
    /** Read by the Logback configurator ({@link LogSetup}) when logging starts. */
    public static final String LEVEL_PROPERTY = "nssimg.log.level";
    private volatile boolean debug;

    /**
     * Turns debug logging on for this invocation. Logback's own level is per JVM: -v invocations run in a
     * JVM of their own (the daemon hands them back to its client), so the level is set for this JVM too.
     */
    public void enableDebug() {
        debug = true;
        System.setProperty(LEVEL_PROPERTY, "DEBUG");
    }

    public boolean enabled() {
        return debug;
    }

    public void debug(Class<?> where, String format, Object... args) {
        if (debug) {
            LoggerFactory.getLogger(where).debug(format, args);
        }
    }
}
