package dev.nssimg.cli;

import picocli.CommandLine.Option;

/** --json, the one output-format switch of every command that prints a result. */
public final class OutputFormat {
    @Option(names = "--json", description = "Print the result as JSON: one document per line, each naming its schema and"
            + " version (README: JSON output).")
    boolean json;
}
