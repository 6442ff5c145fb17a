package dev.nssimg.lifecycle;

import dev.nssimg.error.ExitCode;
import dev.nssimg.error.NssimgException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Work that must happen even when the user presses Ctrl-C: stopping child processes and removing
 * containers. One invocation has one scope, handed to whatever starts such things; normal paths
 * unregister their action in their finally.
 *
 * <p>A plain run's scope is run by a shutdown hook ({@link #forJvm}), newest action first, and the JVM
 * then exits with 130. In the daemon each invocation has a scope of its own, run when its client is
 * interrupted or goes away, so one user's Ctrl-C never touches another's build.
 */
public final class Cleanup {
    private final Map<Long, Runnable> actions = new LinkedHashMap<>();
    private final PrintWriter err;
    private long nextId;
    private boolean ran;

    /** err: where cleanup warnings and failures go. */
    public Cleanup(PrintWriter err) {
        this.err = err;
    }

    /** The scope of a plain run: run by a shutdown hook (Ctrl-C, SIGTERM). Only the entry point makes one. */
    public static Cleanup forJvm(PrintWriter err) {
        Cleanup c = new Cleanup(err);
        Runtime.getRuntime().addShutdownHook(new Thread(c::runAll, "nssimg-cleanup"));
        return c;
    }

    /**
     * Registers an action; closing the handle unregisters it. Once the scope has run (Ctrl-C), the action
     * runs at once and the caller is interrupted: nothing new may outlive it.
     */
    public AutoCloseable register(Runnable action) {
        synchronized (this) {
            if (!ran) {
                long id = nextId++;
                actions.put(id, action);
                return () -> remove(id);
            }
        }
        action.run();
        throw new NssimgException(ExitCode.INTERRUPTED, "interrupted");
    }

    /** Throws "interrupted" (exit 130) when the scope has run: start no new process or container. */
    public void checkNotInterrupted() {
        if (ran()) {
            throw new NssimgException(ExitCode.INTERRUPTED, "interrupted");
        }
    }

    /** A warning from cleanup code, to the stderr of whoever this scope belongs to. */
    public void warn(String message) {
        err.println(message);
        err.flush();
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
                warn("nssimg: cleanup failed: " + e.getMessage());
            }
        }
    }
}
