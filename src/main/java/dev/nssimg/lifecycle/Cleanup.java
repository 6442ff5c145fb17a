package dev.nssimg.lifecycle;

import dev.nssimg.error.ExitCode;
import dev.nssimg.error.NssimgException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Work that must happen even when the user presses Ctrl-C: stopping child
 * processes and removing containers. Actions are registered in a
 * {@link Scope}; normal paths unregister in their finally.
 *
 * <p>A plain run has one scope, the JVM's, run by a shutdown hook (newest
 * action first); the JVM then exits with 130. In the daemon each request has
 * its own scope (inherited by the threads it starts), run when its client is
 * interrupted or goes away, so one user's Ctrl-C never touches another's build.
 */
public final class Cleanup {
    private static final AtomicLong IDS = new AtomicLong();
    private static final Scope JVM = new Scope(null);
    private static final InheritableThreadLocal<Scope> CURRENT = new InheritableThreadLocal<>();
    private static boolean hooked;

    private Cleanup() {}

    /**
     * Registers an action in the current scope; closing the handle unregisters it. Once the scope has
     * run (Ctrl-C), the action runs at once and the caller is interrupted: nothing new may outlive it.
     */
    public static AutoCloseable register(Runnable action) {
        return current().add(action);
    }

    /** Throws "interrupted" (exit 130) when the current scope has run: start no new process or container. */
    public static void checkNotInterrupted() {
        if (current().ran()) {
            throw new NssimgException(ExitCode.INTERRUPTED, "interrupted");
        }
    }

    private static Scope current() {
        Scope scope = CURRENT.get();
        if (scope == null) {
            hookJvm();
            scope = JVM;
        }
        return scope;
    }

    /** A warning from cleanup code, to the stderr of whoever the current scope belongs to. */
    public static void warn(String message) {
        Scope scope = CURRENT.get();
        PrintWriter err = scope == null ? null : scope.err;
        if (err == null) {
            System.err.println(message);
        } else {
            err.println(message);
            err.flush();
        }
    }

    /** Makes scope the current one of this thread and of the threads it starts, until {@link #leave()}. */
    public static void enter(Scope scope) {
        CURRENT.set(scope);
    }

    public static void leave() {
        CURRENT.remove();
    }

    private static synchronized void hookJvm() {
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(new Thread(JVM::runAll, "nssimg-cleanup"));
            hooked = true;
        }
    }

    /** A set of cleanup actions that are run together. */
    public static final class Scope {
        private final Map<Long, Runnable> actions = new LinkedHashMap<>();
        private final PrintWriter err;
        private boolean ran;

        /** err: where cleanup failures are reported (null: the JVM's stderr). */
        public Scope(PrintWriter err) {
            this.err = err;
        }

        private AutoCloseable add(Runnable action) {
            synchronized (this) {
                if (!ran) {
                    long id = IDS.incrementAndGet();
                    actions.put(id, action);
                    return () -> remove(id);
                }
            }
            action.run();
            throw new NssimgException(ExitCode.INTERRUPTED, "interrupted");
        }

        private synchronized boolean ran() {
            return ran;
        }

        private synchronized void remove(long id) {
            actions.remove(id);
        }

        /** Runs every action still registered, newest first; later registrations run at once. */
        public void runAll() {
            List<Runnable> todo;
            synchronized (this) {
                ran = true;
                todo = new ArrayList<>(actions.values());
                actions.clear();
            }
            Collections.reverse(todo);
            for (Runnable r : todo) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    String msg = "nssimg: cleanup failed: " + e.getMessage();
                    if (err == null) {
                        System.err.println(msg);
                    } else {
                        err.println(msg);
                        err.flush();
                    }
                }
            }
        }
    }
}
