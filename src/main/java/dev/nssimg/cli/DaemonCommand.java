package dev.nssimg.cli;

import dev.nssimg.app.DaemonControl;
import dev.nssimg.error.ExitCode;
import dev.nssimg.report.Report;
import dev.nssimg.runtime.Invocation;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "daemon", description = {
    "Show or stop the resident nssimg processes (daemons) of this user.",
    "bin/nssimg hands commands to a warm daemon through its native client, starting one when needed;"
            + " a daemon ends itself after NSSIMG_DAEMON_IDLE seconds idle (default 900) or when its jar is rebuilt."
            + " NSSIMG_DAEMON=0 runs every command in a JVM of its own."})
public final class DaemonCommand implements Callable<Integer> {
    private final Invocation inv;

    @Parameters(paramLabel = "ACTION", arity = "0..1", defaultValue = "status",
            description = "status (default) or stop.")
    Action action;

    enum Action { status, stop }

    public DaemonCommand(Invocation inv) {
        this.inv = inv;
    }

    @Override
    public Integer call() {
        Report report = new Report(inv, false);
        report.daemons(DaemonControl.run(inv, action == Action.stop, e -> report.daemon(e, DaemonControl.STOP_LIMIT_SECONDS)));
        return ExitCode.OK.code();
    }
}
