package dev.nssimg.cli;

import dev.nssimg.app.EngineChoice;
import dev.nssimg.app.Selection;
import dev.nssimg.error.NssimgException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command that reads the profiles takes. */
public final class CommonOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Profiles file (default: containers/profiles.yaml of the project).")
    Path config;

    @Option(names = {"-p", "--profile"}, paramLabel = "NAME", description = "Named profile from the profiles file.")
    String profile;

    @Option(names = "--engine", paramLabel = "docker|podman|auto",
            description = "Container engine (default: CONTAINER_CMD, else the profile's engine, else auto: docker with buildx,"
                    + " else podman).")
    String engine;

    Selection selection() {
        if (engine != null && !EngineChoice.VALUES.contains(engine)) {
            throw NssimgException.usage("flag --engine: '" + engine + "' is not one of docker, podman, auto");
        }
        return new Selection(config, profile, engine);
    }
}
