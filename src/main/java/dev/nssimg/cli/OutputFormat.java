package dev.nssimg.cli;

import picocli.CommandLine.Option;

/** --json, the one output-format switch of every command that prints a result. */
public final class OutputFormat {
    @Option(names = "--json", description = "Print JSON (each document names its schema and version; see README)."
            + " build: the plan with --dry-run, else progress events and a result.")
    boolean json;
}
