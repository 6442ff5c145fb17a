package dev.nssimg.cli;

import dev.nssimg.app.Selection;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command that reads the profiles takes. */
public final class CommonOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Profiles file (default: containers/profiles.yaml of the project).")
    Path config;

    @Option(names = {"-p", "--profile"}, paramLabel = "NAME", description = "Named profile from the profiles file.")
    String profile;

    Selection selection() {
        return new Selection(config, profile);
    }
}
