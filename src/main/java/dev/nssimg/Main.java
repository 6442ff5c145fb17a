package dev.nssimg;

import dev.nssimg.app.Engines;
import dev.nssimg.app.Invocation;
import dev.nssimg.cli.Cli;

/** The plain entry point: one invocation in this JVM, with its environment, directory and stdio. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        Invocation inv = Invocation.system(Engines.connecting());
        System.exit(inv.cleanup().exitCode(Cli.execute(inv, args)));
    }
}
