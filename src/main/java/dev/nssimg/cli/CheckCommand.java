package dev.nssimg.cli;

import dev.nssimg.app.Checks;
import dev.nssimg.report.Report;
import dev.nssimg.runtime.Invocation;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@picocli.CommandLine.Command(name = "check", sortOptions = false,
        description = {"Check the profile's Dockerfile for what this BuildKit would let through and then fail on.",
            "Variables in COPY --from / RUN --mount from=, ARGs used where undeclared, a global ARG TARGETARCH without",
            "a default, secret-looking ARG/ENV names, unused stages, an unknown --target; where buildx has --call",
            "(0.15+), BuildKit's own build checks too. Prints FILE:LINE: RULE: SEVERITY: MESSAGE; exit 1 on errors.",
            "build runs the same lint first: errors stop it, the rest is printed."})
public final class CheckCommand implements Callable<Integer> {
    private final Invocation inv;

    @Mixin CommonOptions common;

    @Option(names = {"-f", "--file"}, paramLabel = "DOCKERFILE", description = "Check this Dockerfile instead of the profile's.")
    String file;

    @Option(names = "--target", paramLabel = "STAGE", description = "The stage the build will make (default: the Dockerfile's default).")
    String target;

    @Option(names = "--no-buildkit", description = "Do not ask buildx for BuildKit's own build checks (nothing is run then).")
    boolean noBuildkit;

    @Mixin OutputFormat format;

    public CheckCommand(Invocation inv) {
        this.inv = inv;
    }

    @Override
    public Integer call() {
        Checks.Outcome c = Checks.run(inv, new Checks.Request(common.selection(), file, target, !noBuildkit));
        new Report(inv, format.json).check(c);
        return c.exitCode().code();
    }
}
