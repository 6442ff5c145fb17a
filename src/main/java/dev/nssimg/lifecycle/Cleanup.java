package dev.nssimg.lifecycle;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Work that must happen even when the user presses Ctrl-C: stopping child
 * processes and removing containers. One JVM shutdown hook runs whatever is
 * still registered (newest first); normal paths unregister in their finally.
 * On SIGINT the JVM then exits with 130.
 */
public final class Cleanup {
    private static final Map<Long, Runnable> ACTIONS = new LinkedHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();
    private static boolean hooked;

    private Cleanup() {}

    public static synchronized AutoCloseable register(Runnable action) {
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(new Thread(Cleanup::runAll, "nssimg-cleanup"));
            hooked = true;
        }
        long id = IDS.incrementAndGet();
        ACTIONS.put(id, action);
        return () -> unregister(id);
    }

    private static synchronized void unregister(long id) {
        ACTIONS.remove(id);
    }

    private static void runAll() {
        List<Runnable> todo;
        synchronized (Cleanup.class) {
            todo = new java.util.ArrayList<>(ACTIONS.values());
            ACTIONS.clear();
        }
        java.util.Collections.reverse(todo);
        for (Runnable r : todo) {
            try {
                r.run();
            } catch (RuntimeException e) {
                System.err.println("nssimg: cleanup failed: " + e.getMessage());
            }
        }
    }
}
