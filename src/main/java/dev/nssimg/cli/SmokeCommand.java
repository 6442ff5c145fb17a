package dev.nssimg.cli;

import dev.nssimg.buildx.Imagetools;
import dev.nssimg.engine.Engine;
import dev.nssimg.engine.ImageFacts;
import dev.nssimg.error.NssimgException;
import dev.nssimg.plan.Planner;
import dev.nssimg.profile.BuildArgs;
import dev.nssimg.profile.Located;
import dev.nssimg.profile.Overrides;
import dev.nssimg.profile.Resolved;
import dev.nssimg.profile.Validation;
import dev.nssimg.smoke.Check;
import dev.nssimg.smoke.Reports;
import dev.nssimg.smoke.SmokeChecks;
import dev.nssimg.smoke.SmokeRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@picocli.CommandLine.Command(name = "smoke", sortOptions = false,
        description = {"Smoke-test a built image without a GPU.",
            "Runs its entrypoint with --help and checks labels, user, entrypoint and NVIDIA environment.",
            "Exit 0 only if every check passes."})
public final class SmokeCommand implements Callable<Integer> {
    private final Context ctx;

    @Mixin CommonOptions common = new CommonOptions();

    @Option(names = "--target", defaultValue = "runtime", paramLabel = "runtime|dev",
            description = "Which image of the profile to test (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--image", paramLabel = "REF", description = "Test this image instead of the profile's.")
    String image;

    @Option(names = "--platform", paramLabel = "PLATFORM", description = "Run the image as this platform (QEMU for non-native).")
    String platform;

    @Option(names = "--all-platforms", description = "Test every platform of a pushed index (REF must be in a registry).")
    boolean allPlatforms;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Timeout of each container (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--json", description = "Print the results as JSON.")
    boolean json;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write a JUnit XML report.")
    Path report;

    public SmokeCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (!target.equals("runtime") && !target.equals("dev")) {
            throw NssimgException.usage("flag --target: '" + target + "' is not runtime or dev");
        }
        if (timeoutSeconds < 1) {
            throw NssimgException.usage("flag --timeout: must be at least 1 second");
        }
        Resolved r = Inputs.load(ctx, common, Overrides.platformOnly(Inputs.flag(platform, "--platform"))).resolved();
        return smoke(r);
    }

    int smoke(Resolved r) {
        String ref = image != null ? image : target.equals("dev") ? r.imageDev().value() : r.image().value();
        if (image != null) {
            Validation.imageRef(Located.of(image, "flag --image"), "image");
        }
        if (allPlatforms && !Planner.hasHost(ref)) {
            throw NssimgException.usage("flag --all-platforms: '" + ref + "' is not a registry reference; pass the pushed"
                    + " index with --image REGISTRY/IMAGE:TAG");
        }
        Map<String, Located<String>> args = r.argsFor(r.platform().value());
        SmokeChecks.Expect expect = new SmokeChecks.Expect(target, args.get(BuildArgs.CUDA_VERSION).value(),
                args.get(BuildArgs.UBUNTU_VERSION).value());
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        Engine engine = ctx.engine();
        SmokeRunner runner = new SmokeRunner(engine);
        List<Check> checks = new ArrayList<>();
        if (allPlatforms) {
            Imagetools.Index index = new Imagetools(Inputs.dockerCli(ctx)).inspect(ref);
            for (Imagetools.Platform p : index.platforms()) {
                String pinned = Planner.repository(ref) + "@" + p.digest();
                engine.pull(pinned, p.platform());
                checks.addAll(runner.smoke(pinned, p.platform(), p.facts(), expect, timeout));
            }
        } else {
            ImageFacts facts = engine.inspectImage(ref)
                    .orElseThrow(() -> Inputs.imageMissing(ref, engine.host(), target, common.profile));
            checks.addAll(runner.smoke(ref, platform, facts, expect, timeout));
        }
        if (json) {
            ctx.out().println(Reports.json(ref, checks));
        } else {
            ctx.out().println("smoke " + ref);
            Reports.table(checks, ctx.out());
        }
        ctx.out().flush();
        StepSummary.append(ctx, StepSummary.smoke(ref, checks));
        if (report != null) {
            try {
                Reports.writeAtomically(ctx.cwd().resolve(report), Reports.junit(ref, checks));
            } catch (IOException e) {
                throw NssimgException.usage("flag --report: cannot write " + report + ": " + e.getMessage());
            }
        }
        return checks.stream().allMatch(Check::ok) ? 0 : 1;
    }
}
