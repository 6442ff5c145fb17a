package dev.nssimg.cli;

import dev.nssimg.json.Json;
import dev.nssimg.buildx.BuildRunner;
import dev.nssimg.buildx.Imagetools;
import dev.nssimg.dockerfile.DockerfileInfo;
import dev.nssimg.engine.Engine;
import dev.nssimg.engine.ImageFacts;
import dev.nssimg.lifecycle.Log;
import dev.nssimg.error.NssimgException;
import dev.nssimg.plan.BuildFacts;
import dev.nssimg.plan.BuildPlan;
import dev.nssimg.plan.BuildRequest;
import dev.nssimg.plan.Command;
import dev.nssimg.plan.Planner;
import dev.nssimg.profile.Located;
import dev.nssimg.profile.Overrides;
import dev.nssimg.profile.Resolved;
import dev.nssimg.workspace.Project;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@picocli.CommandLine.Command(name = "build", sortOptions = false,
        description = {"Build an image of the Dockerfile with docker buildx, from a profile.",
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
        Located<String> platformFlag = null;
        Located<List<String>> platformsFlag = null;
        if (platform != null && platform.contains(",")) {
            platformsFlag = Located.of(Arrays.stream(platform.split(",")).map(String::trim).toList(), "flag --platform");
            multiarch = true;
        } else {
            platformFlag = Inputs.flag(platform, "--platform");
        }
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
        if (dryRun) {
            printPlan(plan);
            return 0;
        }
        return execute(plan, r);
    }

    private void printPlan(BuildPlan plan) {
        if (json) {
            StringBuilder sb = new StringBuilder("{\"commands\":[");
            for (int i = 0; i < plan.commands().size(); i++) {
                Command c = plan.commands().get(i);
                sb.append(i == 0 ? "" : ",").append("{\"argv\":[");
                for (int j = 0; j < c.argv().size(); j++) {
                    sb.append(j == 0 ? "" : ",").append(Json.str(c.argv().get(j)));
                }
                sb.append("],\"env\":{");
                int j = 0;
                for (Map.Entry<String, String> e : new java.util.TreeMap<>(c.env()).entrySet()) {
                    sb.append(j++ == 0 ? "" : ",").append(Json.str(e.getKey())).append(':').append(Json.str(e.getValue()));
                }
                sb.append("}}");
            }
            ctx.out().println(sb.append("]}"));
        } else {
            plan.commands().forEach(c -> ctx.out().println(c.shellLine()));
        }
        ctx.out().flush();
    }

    private int execute(BuildPlan plan, Resolved r) {
        BuildRunner runner = new BuildRunner(ctx.launcher(), ctx.out(), ctx.err(), ctx.cwd(), json, ctx.env());
        // The engine client is only needed for the image size afterwards: warm it up (client, JSON
        // models) while buildx works, so that the inspect after the build is quick.
        CompletableFuture<Engine> engine = plan.push() ? null : CompletableFuture.supplyAsync(() -> {
            long t0 = System.nanoTime();
            Engine e = ctx.engine();
            e.inspectImage(plan.tags().get(0));
            Log.debug(BuildCommand.class, "engine client ready after {} ms", (System.nanoTime() - t0) / 1_000_000);
            return e;
        });
        BuildRunner.Result result;
        try {
            result = runner.run(plan, jobs);
        } catch (BuildRunner.BuildxMissing missing) {
            List<Command> classic = plan.commands().stream().map(Planner::classic).toList();
            if (classic.contains(null)) {
                throw NssimgException.environment("docker buildx is not installed, and this build needs it"
                        + (plan.platforms().size() > 1 ? " (several platforms)" : "")
                        + "; install the buildx plugin (Debian: docker-buildx; or scripts/testbed up)");
            }
            ctx.err().println("nssimg: docker buildx is not installed; building with the classic `docker build` and DOCKER_BUILDKIT=1");
            try {
                result = runner.run(new BuildPlan(plan.target(), plan.platforms(), plan.strategy(), plan.tags(), plan.push(),
                        classic, plan.warnings()), jobs);
            } catch (BuildRunner.BuildxMissing stillMissing) {
                throw NssimgException.environment("docker buildx is not installed, and this docker CLI (23.0 or newer) needs it"
                        + " for every BuildKit build; install the buildx plugin (Debian: docker-buildx; or scripts/testbed up)");
            }
        }
        String digest = result.digest();
        long size = -1;
        if (plan.push() && digest == null) {
            digest = new Imagetools(ctx.launcher(), ctx.env(), ctx.cwd()).inspect(plan.tags().get(0)).digest();
        } else if (!plan.push()) {
            size = sizeOf(engine, plan.tags().get(0));
        }
        int steps = result.builds().stream().mapToInt(BuildRunner.StepResult::steps).sum();
        int cached = result.builds().stream().mapToInt(BuildRunner.StepResult::cached).sum();
        double secs = result.duration().toMillis() / 1000.0;
        if (json) {
            ctx.out().println("{\"event\":\"result\",\"tags\":[" + String.join(",", plan.tags().stream().map(Json::str).toList())
                    + "],\"digest\":" + Json.str(digest) + ",\"platforms\":["
                    + String.join(",", plan.platforms().stream().map(Json::str).toList()) + "],\"strategy\":"
                    + Json.str(plan.strategy().name().toLowerCase(java.util.Locale.ROOT)) + ",\"pushed\":" + plan.push()
                    + ",\"size\":" + size + ",\"durationMs\":" + result.duration().toMillis() + ",\"steps\":" + steps
                    + ",\"cachedSteps\":" + cached + "}");
        } else {
            ctx.out().println((plan.push() ? "pushed " : "built ") + String.join(", ", plan.tags()));
            ctx.out().println("  digest     " + (digest == null ? "unknown" : digest));
            ctx.out().println("  platforms  " + String.join(", ", plan.platforms())
                    + (plan.builds().size() > 1 ? " (split: one build per platform)" : ""));
            if (size >= 0) {
                ctx.out().println("  size       " + humanSize(size));
            }
            ctx.out().printf("  duration   %.1f s%n", secs);
            ctx.out().println("  steps      " + cached + " cached of " + steps);
        }
        ctx.out().flush();
        if (smoke) {
            SmokeCommand s = new SmokeCommand(ctx);
            s.common = common;
            s.target = target;
            s.image = plan.tags().get(0);
            s.timeoutSeconds = smokeTimeout;
            s.json = json;
            s.allPlatforms = plan.push() && plan.platforms().size() > 1;
            return s.smoke(r);
        }
        return 0;
    }

    private static long sizeOf(CompletableFuture<Engine> engine, String ref) {
        try {
            long t0 = System.nanoTime();
            Engine e = engine.join();
            Log.debug(BuildCommand.class, "waited {} ms for the engine client", (System.nanoTime() - t0) / 1_000_000);
            Optional<ImageFacts> f = e.inspectImage(ref);
            Log.debug(BuildCommand.class, "inspected {} in {} ms", ref, (System.nanoTime() - t0) / 1_000_000);
            return f.map(ImageFacts::size).orElse(-1L);
        } catch (NssimgException | java.util.concurrent.CompletionException e) {
            return -1; // the size is a nicety; the build itself succeeded
        }
    }

    static String humanSize(long bytes) {
        if (bytes < 1024 * 1024) {
            return String.format("%.1f KB", bytes / 1024.0);
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format("%.1f MB", bytes / (1024.0 * 1024));
        }
        return String.format("%.2f GB", bytes / (1024.0 * 1024 * 1024));
    }
}
