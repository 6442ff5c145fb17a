package dev.nssimg;

import dev.nssimg.cli.Cli;
import dev.nssimg.runtime.Engines;
import dev.nssimg.runtime.Invocation;

/** The plain entry point: one invocation in this JVM, with its environment, directory and stdio. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        Invocation inv = Invocation.system(Engines.connecting());
        System.exit(inv.cleanup().exitCode(Cli.execute(inv, args)));
    }
}
