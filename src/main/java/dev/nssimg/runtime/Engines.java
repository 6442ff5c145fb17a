package dev.nssimg.runtime;

import dev.nssimg.engine.Engine;
import java.io.IOException;
import java.util.function.Function;

/**
 * One engine client per invocation (it keeps the cleanup scope and log of the invocation it was made for), made on first use (also when build
 * --smoke hands over to smoke), and closed with the invocation: a plain run
 * exits anyway, but the daemon serves many invocations in one JVM.
 */
public final class Engines implements Function<Invocation, Engine>, AutoCloseable {
    private final Function<Invocation, Engine> connect;
    private Engine made;

    public Engines(Function<Invocation, Engine> connect) {
        this.connect = connect;
    }

    /** The real engine of the invocation's DOCKER_HOST. A lambda: docker-java loads only when it is used. */
    public static Engines connecting() {
        return new Engines(c -> Engine.connect(c.env(), c.cwd(), c.cleanup(), c.log()));
    }

    @Override
    public synchronized Engine apply(Invocation ctx) {
        if (made == null) {
            made = connect.apply(ctx);
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
