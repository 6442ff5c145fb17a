package dev.nssimg.cli;

import picocli.CommandLine.Option;

/**
 * -v/--verbose and --stacktrace, which Cli gives every command (as it gives -h): what they do is decided
 * in one place, Cli, from the parse result.
 */
public final class Diagnostics {
    static final String VERBOSE = "--verbose";
    static final String STACKTRACE = "--stacktrace";

    @Option(names = {"-v", VERBOSE}, description = "Log details to stderr; print stack traces of errors.")
    boolean verbose;

    @Option(names = STACKTRACE, description = "Print the stack trace of an error.")
    boolean stacktrace;
}
