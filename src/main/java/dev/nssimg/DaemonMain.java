package dev.nssimg;

import dev.nssimg.cli.Cli;
import dev.nssimg.daemon.Server;
import java.io.IOException;

/** The daemon's entry point: a resident JVM whose invocations run the same CLI as {@link Main}'s. */
public final class DaemonMain {
    private DaemonMain() {}

    public static void main(String[] args) throws IOException {
        Server.main(args, Cli::execute);
    }
}
