package dev.nssimg.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** `nssimg daemon [status|stop]`: this user's resident nssimg processes. */
public final class DaemonControl {
    private static final Duration STOP_LIMIT = Duration.ofSeconds(15);

    private DaemonControl() {}

    /** A daemon found, and for stop whether it ended by itself (false: killed after the limit). */
    public record Entry(dev.nssimg.daemon.Daemons.Running daemon, boolean stopped, boolean clean) {}

    public record Outcome(Path dir, boolean stop, List<Entry> daemons, long stopLimitSeconds) {
        public Outcome {
            daemons = List.copyOf(daemons);
        }
    }

    public static Outcome run(Invocation inv, boolean stop) {
        Path dir = dev.nssimg.daemon.Daemons.dir(inv.env());
        List<Entry> entries = new ArrayList<>();
        for (dev.nssimg.daemon.Daemons.Running d : dev.nssimg.daemon.Daemons.list(dir)) {
            entries.add(stop ? new Entry(d, true, dev.nssimg.daemon.Daemons.stop(d, STOP_LIMIT)) : new Entry(d, false, false));
        }
        if (stop) {
            dev.nssimg.daemon.Daemons.tidy(dir); // after the stops: what they leave behind goes too
        }
        return new Outcome(dir, stop, entries, STOP_LIMIT.toSeconds());
    }
}
