package dev.nssimg.cli;

import dev.nssimg.dockerfile.DockerfileInfo;
import dev.nssimg.error.NssimgException;
import dev.nssimg.plan.BuildFacts;
import dev.nssimg.plan.BuildPlan;
import dev.nssimg.plan.BuildRequest;
import dev.nssimg.plan.Planner;
import dev.nssimg.profile.Located;
import dev.nssimg.profile.Overrides;
import dev.nssimg.profile.Resolved;
import dev.nssimg.workspace.Project;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@picocli.CommandLine.Command(name = "build", sortOptions = false,
        description = {"Build an image with docker buildx, from a profile.",
            "Without a registry the image is loaded into the engine; with --multiarch it is pushed."})
public final class BuildCommand implements Callable<Integer> {
    static final List<String> PROGRESS = List.of("auto", "plain", "tty", "quiet", "rawjson");
    private final Context ctx;

    @Mixin CommonOptions common;

    @Option(names = "--target", defaultValue = "runtime", paramLabel = "STAGE",
            description = "Stage to build (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--platform", paramLabel = "PLATFORM",
            description = "linux/amd64 or linux/arm64; a comma list implies --multiarch. Env: CONTAINER_GPU_PLATFORM.")
    String platform;

    @Option(names = {"-t", "--tag"}, paramLabel = "REF", description = "Image tag (repeatable). Default: the profile's image.")
    List<String> tags = new ArrayList<>();

    @Option(names = "--build-arg", paramLabel = "KEY=VALUE", description = "Build argument (repeatable); beats the profile.")
    List<String> buildArgs = new ArrayList<>();

    @Option(names = {"-f", "--file"}, paramLabel = "DOCKERFILE", description = "Dockerfile (default: the profile's).")
    String file;

    @Option(names = "--context", paramLabel = "DIR", description = "Build context (default: the profile's).")
    String context;

    @Option(names = "--multiarch", description = "Build every platform of the profile into one pushed tag.")
    boolean multiarch;

    @Option(names = "--strategy", paramLabel = "auto|single|split", defaultValue = "auto",
            description = "Multi-arch strategy: one buildx call, or one per platform joined by imagetools (default: auto).")
    BuildRequest.Strategy strategy;

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "2",
            description = "Platforms built at once by the split strategy (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--push-by-digest", negatable = true, paramLabel = "",
            description = "Split builds: push each platform by digest (needs a docker-container, remote or kubernetes"
                    + " builder) instead of as TAG-ARCH. Default: on when a builder is named.")
    Boolean pushByDigest;

    @Option(names = "--registry", paramLabel = "REGISTRY", description = "Registry prefix for tags. Env: CONTAINER_GPU_REGISTRY.")
    String registry;

    @Option(names = "--push", description = "Push the image to its registry.")
    boolean push;

    @Option(names = "--load", description = "Load the image into the engine (default for one platform).")
    boolean load;

    @Option(names = "--no-cache", description = "Do not use the build cache.")
    boolean noCache;

    @Option(names = "--pull", description = "Always look for newer base images.")
    boolean pull;

    @Option(names = "--cache-from", paramLabel = "REF|SPEC",
            description = "Cache source; {image} and {arch} are replaced; a bare ref means type=registry.")
    String cacheFrom;

    @Option(names = "--cache-to", paramLabel = "REF|SPEC",
            description = "Cache export; a bare ref means type=registry,mode=max.")
    String cacheTo;

    @Option(names = "--builder", paramLabel = "NAME", description = "buildx builder instance.")
    String builder;

    @Option(names = "--progress", paramLabel = "MODE",
            description = "buildx progress: auto, plain, tty, quiet, rawjson (default: plain, rawjson with --json).")
    String progress;

    @Option(names = "--secret", paramLabel = "id=ID,env=VAR|src=FILE",
            description = "Build secret for RUN --mount=type=secret (repeatable). Values never reach argv or the image.")
    List<String> secrets = new ArrayList<>();

    @Option(names = "--strict", description = "Treat build args the Dockerfile does not declare as errors.")
    boolean strict;

    @Option(names = "--dry-run", description = "Print the commands, one per line (shell-quoted), and run nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "JSON output: the plan with --dry-run, else progress events and a result.")
    boolean json;

    @Option(names = "--smoke", description = "Smoke-test the image right after building it.")
    boolean smoke;

    @Option(names = "--smoke-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Timeout of each smoke container (default: ${DEFAULT-VALUE}).")
    long smokeTimeout;

    public BuildCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (progress != null && !PROGRESS.contains(progress)) {
            throw NssimgException.usage("flag --progress: '" + progress + "' is not one of " + String.join(", ", PROGRESS));
        }
        if (push && load) {
            throw NssimgException.usage("flags --push and --load: choose one (--push sends to the registry, --load into the engine)");
        }
        if (jobs < 1) {
            throw NssimgException.usage("flag --jobs: must be at least 1");
        }
        Located<List<String>> platformsFlag = Overrides.platformList(platform, "flag --platform");
        Located<String> platformFlag = platformsFlag == null ? Inputs.flag(platform, "--platform") : null;
        multiarch |= platformsFlag != null; // a comma list implies --multiarch
        Overrides flags = new Overrides(platformFlag, platformsFlag, null, null, Inputs.flag(registry, "--registry"),
                Inputs.flag(file, "--file"), Inputs.flag(context, "--context"), Inputs.keyValues(buildArgs, "--build-arg"),
                Inputs.flag(builder, "--builder"), Inputs.flag(cacheFrom, "--cache-from"), Inputs.flag(cacheTo, "--cache-to"));
        Inputs in = Inputs.load(ctx, common, flags);
        Resolved r = in.resolved();
        DockerfileInfo df = in.project().dockerfile(r.dockerfile().value());
        BuildRequest.Output out = push ? BuildRequest.Output.PUSH : load ? BuildRequest.Output.LOAD : BuildRequest.Output.DEFAULT;
        String prog = progress != null ? progress : json && !dryRun ? "rawjson" : "plain";
        Path work = in.project().root().resolve(".nssimg");
        BuildRequest req = new BuildRequest(target, multiarch, strategy, tags, out, noCache, pull, prog, secrets, strict,
                pushByDigest, work);
        BuildFacts facts = new BuildFacts(Project.gitRevision(r.context().value()).orElse(null),
                Project.created(ctx.env(), Instant.now()), ctx.cwd());
        BuildPlan plan = Planner.plan(req, r, df, facts);
        for (String w : plan.warnings()) {
            ctx.err().println("nssimg: warning: " + w);
        }
        ctx.err().flush();
        BuildExecution run = new BuildExecution(ctx, common, target, json, jobs, smoke, smokeTimeout);
        if (dryRun) {
            run.printPlan(plan);
            return 0;
        }
        return run.execute(plan, r);
    }
}
