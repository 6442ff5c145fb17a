package dev.nssimg.cli;

import dev.nssimg.app.EngineChoice;
import dev.nssimg.app.Inspect;
import dev.nssimg.error.ExitCode;
import dev.nssimg.error.NssimgException;
import dev.nssimg.report.Report;
import dev.nssimg.runtime.Invocation;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@picocli.CommandLine.Command(name = "inspect", sortOptions = false,
        description = {"Show an image's labels, size, user, entrypoint and env.",
            "For a pushed index: each platform's digest and the build arguments it was built with."})
public final class InspectCommand implements Callable<Integer> {
    private final Invocation inv;

    @Parameters(paramLabel = "REF", description = "Image reference.")
    String ref;

    @Option(names = "--from", paramLabel = "auto|engine|registry", defaultValue = "auto",
            description = "Where to read the image: auto (a registry reference from its registry, a plain name from the engine).")
    Inspect.Source from;

    @Option(names = "--engine", paramLabel = "docker|podman|auto",
            description = "Engine whose image store is read (default: CONTAINER_CMD, else auto: docker with buildx, else podman).")
    String engine;

    @Mixin OutputFormat format;

    public InspectCommand(Invocation inv) {
        this.inv = inv;
    }

    @Override
    public Integer call() {
        if (engine != null && !EngineChoice.VALUES.contains(engine)) {
            throw NssimgException.usage("flag --engine: '" + engine + "' is not one of docker, podman, auto");
        }
        new Report(inv, format.json).inspect(Inspect.run(inv, ref, from, engine));
        return ExitCode.OK.code();
    }
}
