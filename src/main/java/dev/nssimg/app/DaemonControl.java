package dev.nssimg.app;

import dev.nssimg.daemon.Daemons;
import dev.nssimg.lifecycle.Cleanup;
import dev.nssimg.runtime.Invocation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** `nssimg daemon [status|stop]`: this user's resident nssimg processes. */
public final class DaemonControl {
    /** How long a stopped daemon may take before it is killed. */
    public static final long STOP_LIMIT_SECONDS = Cleanup.BOUND.toSeconds() + 15; // > the daemon's own stop
    private static final Duration STOP_LIMIT = Duration.ofSeconds(STOP_LIMIT_SECONDS);

    private DaemonControl() {}

    /** A daemon found, and for stop whether it ended by itself (false: killed after the limit). */
    public record Entry(Daemons.Running daemon, boolean stopped, boolean clean) {}

    public record Outcome(Path dir, List<Entry> daemons) {
        public Outcome {
            daemons = List.copyOf(daemons);
        }
    }

    /** each: told of every daemon as soon as it is listed or stopped (a stop may take up to the limit). */
    public static Outcome run(Invocation inv, boolean stop, java.util.function.Consumer<Entry> each) {
        Path dir = Daemons.dir(inv.env());
        List<Entry> entries = new ArrayList<>();
        for (Daemons.Running d : Daemons.list(dir)) {
            Entry e = stop ? new Entry(d, true, Daemons.stop(d, STOP_LIMIT)) : new Entry(d, false, false);
            entries.add(e);
            each.accept(e);
        }
        if (stop) {
            Daemons.tidy(dir); // after the stops: what they leave behind goes too
        }
        return new Outcome(dir, entries);
    }
}
