package dev.nssimg.buildx;

import dev.nssimg.lifecycle.Cleanup;
import dev.nssimg.lifecycle.Log;
import dev.nssimg.plan.ShellQuote;
import dev.nssimg.runtime.ProcessLauncher;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The processes a run started and has not seen end. Stopping them stops their process trees and refuses any
 * later start, under one lock: a process is either refused or stopped, never missed.
 */
final class Children {
    private final ProcessLauncher launcher;
    private final Path cwd;
    private final Cleanup cleanup;
    private final Log log;
    private final List<Process> running = new ArrayList<>();
    /** Set when a platform failed or all were stopped: no further process of this run may start. */
    private boolean stopping;

    Children(ProcessLauncher launcher, Path cwd, Cleanup cleanup, Log log) {
        this.launcher = launcher;
        this.cwd = cwd;
        this.cleanup = cleanup;
        this.log = log;
    }

    /** Thrown by start once the run is stopping (a platform failed): the caller starts nothing more. */
    static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super("another platform failed", null, false, false);
        }
    }

    /** A new run starts unstopped (a runner is run again after a failure: the classic builder fallback). */
    synchronized void reset() {
        stopping = false;
    }

    synchronized boolean stopping() {
        return stopping;
    }

    synchronized Process start(List<String> argv, Map<String, String> env) throws IOException {
        cleanup.checkNotInterrupted();
        if (stopping) {
            throw new Stopped();
        }
        Process p = launcher.start(argv, env, cwd);
        running.add(p);
        if (log.enabled()) {
            log.debug(Children.class, "started pid {}: {}", p.pid(), ShellQuote.join(argv));
        }
        return p;
    }

    /** The process ended: nothing to stop any more. */
    synchronized void forget(Process p) {
        running.remove(p);
    }

    /** Stops every running child (and its children), SIGTERM then SIGKILL after 5 s, and refuses new ones. */
    synchronized void stopAll() {
        stopping = true;
        for (Process p : List.copyOf(running)) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            p.descendants().forEach(ProcessHandle::destroy); // forked while we looked
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); // one grace period for all of them
        for (Process p : List.copyOf(running)) {
            try {
                if (!p.waitFor(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
