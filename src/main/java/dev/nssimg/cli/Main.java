package dev.nssimg.cli;

/** Entry point: everything else is in {@link Cli}, which tests run the same way. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(Cli.execute(Context.system(), args));
    }
}
