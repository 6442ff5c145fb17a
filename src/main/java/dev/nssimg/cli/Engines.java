package dev.nssimg.cli;

import dev.nssimg.engine.Engine;
import java.io.IOException;
import java.util.Map;
import java.util.function.Function;

/**
 * One engine client per invocation, made on first use (also when build
 * --smoke hands over to smoke), and closed with the invocation: a plain run
 * exits anyway, but the daemon serves many invocations in one JVM.
 */
public final class Engines implements Function<Map<String, String>, Engine>, AutoCloseable {
    private final Function<Map<String, String>, Engine> connect;
    private Engine made;

    public Engines(Function<Map<String, String>, Engine> connect) {
        this.connect = connect;
    }

    @Override
    public synchronized Engine apply(Map<String, String> env) {
        if (made == null) {
            made = connect.apply(env);
        }
        return made;
    }

    @Override
    public synchronized void close() {
        if (made != null) {
            try {
                made.close();
            } catch (IOException e) {
                // the invocation is over; nothing to tell anyone
            }
            made = null;
        }
    }
}
