package dev.nssimg.lifecycle;

import dev.nssimg.error.ExitCode;
import dev.nssimg.error.NssimgException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;

/**
 * Work that must happen even when the user presses Ctrl-C: stopping child processes and removing
 * containers. One invocation has one scope, handed to whatever starts such things; normal paths
 * unregister their action in their finally.
 *
 * <p>Every action is named ({@link Action#what}) and says how a user undoes it by hand
 * ({@link Action#byHand}), because a teardown is bounded: when the engine answers too slowly, or the
 * user presses Ctrl-C again, the scope gives up on what is left and says what that is and how to remove
 * it, instead of hanging.
 *
 * <p>A plain run's scope is run on SIGINT/SIGTERM ({@link #forJvm}), newest action first, and the JVM
 * then exits with 128+signal; a second signal ends it at once. In the daemon each invocation has a scope
 * of its own, run when its client is interrupted or goes away, so one user's Ctrl-C never touches
 * another's build.
 */
public final class Cleanup {
    /** How long a whole teardown may take before nssimg gives up on what is left and says so. */
    public static final Duration BOUND = Duration.ofSeconds(15);

    /**
     * Something to undo: what it is ("container 1a2b3c4d5e6f"), how to undo it by hand (a command, or null
     * when there is nothing to do by hand, such as a child process that dies with nssimg), and the undoing,
     * which returns only when it is done and throws when it could not be.
     */
    public record Action(String what, String byHand, Runnable undo) {}

    private final Map<Long, Action> actions = new LinkedHashMap<>();
    /** 128+signal once a signal has stopped this JVM (forJvm), else 0. */
    private final AtomicInteger exitCode = new AtomicInteger();
    private final PrintWriter err;
    private long nextId;
    private boolean ran;
    /** The actions of the teardown under way that have not finished: what is left if it is cut short. */
    private final List<Action> unfinished = new ArrayList<>();

    /** err: where cleanup warnings and failures go. */
    public Cleanup(PrintWriter err) {
        this.err = err;
    }

    /**
     * The scope of a plain run. On the first SIGINT or SIGTERM the JVM exits with 128+signal, and its
     * shutdown hook runs the scope within {@link #BOUND}; a second signal names what is left and ends the
     * JVM at once. Only the entry point makes one.
     */
    public static Cleanup forJvm(PrintWriter err) {
        Cleanup c = new Cleanup(err);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> c.runAll(BOUND), "nssimg-cleanup"));
        AtomicInteger signals = new AtomicInteger();
        for (String name : List.of("INT", "TERM")) {
            try {
                Signal.handle(new Signal(name), sig -> {
                    int code = 128 + sig.getNumber();
                    c.exitCode.compareAndSet(0, code);
                    if (signals.incrementAndGet() == 1) {
                        // As the JVM's own handler does: exit, which runs the hooks (the cleanup above) in order.
                        new Thread(() -> System.exit(code), "nssimg-signal").start();
                    } else {
                        c.giveUp("interrupted again");
                        Runtime.getRuntime().halt(code);
                    }
                });
            } catch (IllegalArgumentException e) {
                // the JVM keeps this signal (-Xrs): its default handling stands
            }
        }
        return c;
    }

    /**
     * Registers an action; closing the handle unregisters it. Once the scope has run (Ctrl-C), the action
     * runs at once and the caller is interrupted: nothing new may outlive it.
     */
    public AutoCloseable register(Action action) {
        synchronized (this) {
            if (!ran) {
                long id = nextId++;
                actions.put(id, action);
                return () -> remove(id);
            }
        }
        try {
            action.undo().run();
        } catch (RuntimeException e) {
            failed(action, e);
        }
        throw new NssimgException(ExitCode.INTERRUPTED, "interrupted");
    }

    /**
     * The exit code of an invocation that ended with code: 128+signal when a signal stopped it, whatever the command
     * made of its children's end meanwhile (a buildx that the terminal's Ctrl-C reached fails first).
     */
    public int exitCode(int code) {
        int signalled = exitCode.get();
        return signalled != 0 ? signalled : code;
    }

    /** Throws "interrupted" (exit 130) when the scope has run: start no new process or container. */
    public void checkNotInterrupted() {
        if (ran()) {
            throw new NssimgException(ExitCode.INTERRUPTED, "interrupted");
        }
    }

    /** A warning from cleanup code, to the stderr of whoever this scope belongs to. */
    public void warn(String message) {
        synchronized (err) {
            err.println(message);
            err.flush();
        }
    }

    private synchronized boolean ran() {
        return ran;
    }

    private synchronized void remove(long id) {
        actions.remove(id);
    }

    /**
     * Runs every action still registered, newest first, for at most bound; later registrations run at once.
     * Returns true when all of them finished. What did not finish in time is named with how to remove it by
     * hand, and the caller goes on (the abandoned action may still finish in the background).
     */
    public boolean runAll(Duration bound) {
        List<Action> todo;
        synchronized (this) {
            ran = true;
            todo = new ArrayList<>(actions.values());
            actions.clear();
            unfinished.addAll(todo);
        }
        if (todo.isEmpty()) {
            return true;
        }
        Collections.reverse(todo);
        CountDownLatch finished = new CountDownLatch(1);
        Thread worker = new Thread(() -> {
            for (Action a : todo) {
                try {
                    a.undo().run();
                } catch (RuntimeException e) {
                    failed(a, e);
                }
                synchronized (this) {
                    unfinished.remove(a);
                }
            }
            finished.countDown();
        }, "nssimg-teardown");
        worker.setDaemon(true);
        worker.start();
        try {
            if (finished.await(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        giveUp("not done after " + bound.toSeconds() + " s");
        return false;
    }

    /** Names every action of the teardown under way that has not finished, with how to undo it by hand. */
    public void giveUp(String why) {
        List<Action> left;
        synchronized (this) {
            left = new ArrayList<>(unfinished);
            if (!ran) { // the teardown has not begun: everything registered is left
                left.addAll(actions.values());
            }
            unfinished.clear();
        }
        for (Action a : left) {
            warn("nssimg: cleanup " + why + ": " + a.what() + " may be left" + (a.byHand() == null ? "" : "; remove it with: " + a.byHand()));
        }
    }

    private void failed(Action a, RuntimeException e) {
        warn("nssimg: could not clean up " + a.what() + ": " + e.getMessage() + (a.byHand() == null ? "" : "; remove it with: " + a.byHand()));
    }
}
