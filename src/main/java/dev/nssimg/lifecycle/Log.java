package dev.nssimg.lifecycle;

import org.slf4j.LoggerFactory;

/**
 * Debug logging that costs nothing unless --verbose: SLF4J (and so Logback)
 * starts only when something logs. docker-java starts it on engine paths;
 * planning paths (--help, --dry-run, profiles) never do.
 */
public final class Log {
    /** Read by the Logback configurator (cli.LogSetup) when logging starts. */
    public static final String LEVEL_PROPERTY = "nssimg.log.level";
    private static volatile boolean debug;

    private Log() {}

    public static void enableDebug() {
        debug = true;
        System.setProperty(LEVEL_PROPERTY, "DEBUG");
    }

    public static boolean debug() {
        return debug;
    }

    public static void debug(Class<?> where, String format, Object... args) {
        if (debug) {
            LoggerFactory.getLogger(where).debug(format, args);
        }
    }
}
