package dev.nssimg.cli;

import dev.nssimg.app.Smokes;
import dev.nssimg.report.Report;
import dev.nssimg.runtime.Invocation;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@picocli.CommandLine.Command(name = "smoke", sortOptions = false,
        description = {"Smoke-test a built image without a GPU.",
            "Runs its entrypoint with --help and checks labels, user, entrypoint and NVIDIA environment.",
            "Exit 0 only if every check passes."})
public final class SmokeCommand implements Callable<Integer> {
    private final Invocation inv;

    @Mixin CommonOptions common;

    @Option(names = "--target", paramLabel = "STAGE",
            description = "The stage to judge the image by: runtime or dev of the profile, or any stage of --file (default:"
                    + " the stage the image records, else runtime).")
    String target;

    @Option(names = {"-f", "--file"}, paramLabel = "DOCKERFILE",
            description = "Judge the image by this Dockerfile (default: the one the image records it was built from, else the"
                    + " profile's).")
    Path file;

    @Option(names = "--image", paramLabel = "REF", description = "Test this image instead of the profile's.")
    String image;

    @Option(names = "--platform", paramLabel = "PLATFORM", description = "Run the image as this platform (QEMU for non-native).")
    String platform;

    @Option(names = "--all-platforms", description = "Test every platform of a pushed index (REF must be in a registry).")
    boolean allPlatforms;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Timeout of each container (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--require-gpu", description = "A GPU check (tests: with gpu: true) that cannot run here (no GPU on the"
            + " engine, or an emulated platform) fails instead of being reported as not run: for GPU CI runners.")
    boolean requireGpu;

    @Mixin OutputFormat format;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write a JUnit XML report.")
    Path report;

    public SmokeCommand(Invocation inv) {
        this.inv = inv;
    }

    @Override
    public Integer call() {
        Smokes.Outcome s = Smokes.run(inv, new Smokes.Request(common.selection(), target, image, platform, allPlatforms, timeoutSeconds,
                requireGpu, file));
        new Report(inv, format.json).smoke(s, report);
        return s.exitCode().code();
    }
}
