package dev.nssimg.cli;

import dev.nssimg.daemon.Daemons;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "daemon", description = {
    "Show or stop the resident nssimg processes (daemons) of this user.",
    "bin/nssimg hands commands to a warm daemon through its native client, starting one when needed;"
            + " a daemon ends itself after NSSIMG_DAEMON_IDLE seconds idle (default 900) or when its jar is rebuilt."
            + " NSSIMG_DAEMON=0 runs every command in a JVM of its own."})
public final class DaemonCommand implements Callable<Integer> {
    private final Context ctx;

    @Parameters(paramLabel = "ACTION", arity = "0..1", defaultValue = "status",
            description = "status (default) or stop.")
    Action action;

    enum Action { status, stop }

    public DaemonCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Path dir = Daemons.dir(ctx.env());
        List<Daemons.Running> running = Daemons.list(dir);
        if (running.isEmpty()) {
            ctx.out().println("no nssimg daemon running (" + dir + ")");
        }
        for (Daemons.Running d : running) {
            if (action == Action.stop) {
                boolean clean = Daemons.stop(d, Duration.ofSeconds(15));
                ctx.out().println("stopped daemon " + d.pid() + (clean ? "" : " (killed: it did not stop within 15 s)"));
            } else {
                ctx.out().printf("daemon %d  up %ds  rss %d MiB  jar %s  socket %s%n", d.pid(), d.uptime().toSeconds(),
                        d.rssKib() / 1024, d.jar(), d.socket());
            }
        }
        if (action == Action.stop) {
            Daemons.tidy(dir); // after the stops: what they leave behind goes too
        }
        ctx.out().flush();
        return 0;
    }
}
