package dev.nssimg.app;

import dev.nssimg.buildx.BuildRunner;
import dev.nssimg.buildx.Imagetools;
import dev.nssimg.buildx.ProgressListener;
import dev.nssimg.dockerfile.DockerfileInfo;
import dev.nssimg.engine.Engine;
import dev.nssimg.engine.ImageFacts;
import dev.nssimg.error.NssimgException;
import dev.nssimg.plan.BuildFacts;
import dev.nssimg.plan.BuildPlan;
import dev.nssimg.plan.BuildRequest;
import dev.nssimg.plan.Planner;
import dev.nssimg.profile.Located;
import dev.nssimg.profile.Overrides;
import dev.nssimg.profile.Resolved;
import dev.nssimg.workspace.Project;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

/** `nssimg build`: a request becomes a plan (pure), and a plan is run through buildx and measured. */
public final class Builds {
    public static final List<String> PROGRESS = List.of("auto", "plain", "tty", "quiet", "rawjson");

    private Builds() {}

    /** What the user asked for, as parsed from flags; null means "not given". */
    public record Request(Selection selection, String target, String platform, List<String> tags, List<String> buildArgs,
            String file, String context, boolean multiarch, BuildRequest.Strategy strategy, int jobs, Boolean pushByDigest,
            String registry, boolean push, boolean load, boolean noCache, boolean pull, String cacheFrom, String cacheTo,
            String builder, String progress, List<String> secrets, boolean strict, boolean json, boolean dryRun) {
        public Request {
            tags = List.copyOf(tags);
            buildArgs = List.copyOf(buildArgs);
            secrets = List.copyOf(secrets);
        }
    }

    /** A plan, and the resolved profile and Dockerfile it came from (a smoke after the build reads neither again). */
    public record Planned(BuildPlan plan, Resolved resolved, DockerfileInfo dockerfile, Request request) {
        public List<String> warnings() {
            return plan.warnings();
        }
    }

    /** What a finished build reports. size is -1 when unknown (pushed images, or the engine could not say). */
    public record Outcome(List<String> tags, String digest, List<String> platforms, BuildRequest.Strategy strategy,
            boolean pushed, boolean split, long size, Duration duration, int steps, int cachedSteps) {}

    /** Checks the request and plans it; contacts nothing and starts nothing. */
    public static Planned plan(Invocation inv, Request req) {
        if (req.progress() != null && !PROGRESS.contains(req.progress())) {
            throw NssimgException.usage("flag --progress: '" + req.progress() + "' is not one of " + String.join(", ", PROGRESS));
        }
        if (req.push() && req.load()) {
            throw NssimgException.usage("flags --push and --load: choose one (--push sends to the registry, --load into the engine)");
        }
        if (req.jobs() < 1) {
            throw NssimgException.usage("flag --jobs: must be at least 1");
        }
        Located<List<String>> platformsFlag = Overrides.platformList(req.platform(), "flag --platform");
        Located<String> platformFlag = platformsFlag == null ? Inputs.flag(req.platform(), "--platform") : null;
        Overrides flags = new Overrides(platformFlag, platformsFlag, null, null, Inputs.flag(req.registry(), "--registry"),
                Inputs.flag(req.file(), "--file"), Inputs.flag(req.context(), "--context"),
                Inputs.keyValues(req.buildArgs(), "--build-arg"), Inputs.flag(req.builder(), "--builder"),
                Inputs.flag(req.cacheFrom(), "--cache-from"), Inputs.flag(req.cacheTo(), "--cache-to"));
        Inputs in = Inputs.load(inv, req.selection(), flags);
        Resolved r = in.resolved();
        // A comma list implies --multiarch, from the flag or (when no --platform is given) CONTAINER_GPU_PLATFORM:
        // the resolver took the platform list from whichever was given.
        boolean multiarch = req.multiarch() || platformsFlag != null
                || (platformFlag == null && r.platforms().origin().equals(Overrides.PLATFORM_ENV));
        checkLocalInputs(inv, in.project(), r, req.secrets());
        DockerfileInfo df = in.project().dockerfile(r.dockerfile().value());
        BuildRequest.Output out = req.push() ? BuildRequest.Output.PUSH
                : req.load() ? BuildRequest.Output.LOAD : BuildRequest.Output.DEFAULT;
        String progress = req.progress() != null ? req.progress() : req.json() && !req.dryRun() ? "rawjson" : "plain";
        BuildRequest br = new BuildRequest(req.target(), multiarch, req.strategy(), req.tags(), out, req.noCache(), req.pull(),
                progress, req.secrets(), req.strict(), req.pushByDigest(), in.project().stateDir(inv.env()));
        BuildFacts facts = new BuildFacts(Project.gitRevision(r.context().value()).orElse(null),
                Project.created(inv.env(), Instant.now()), inv.cwd());
        return new Planned(Planner.plan(br, r, df, facts), r, df, req);
    }

    /**
     * What buildx would only find missing once it runs, checked first (--dry-run too): the Dockerfile, the context
     * and named-context directories, and the files and variables --secret names. Each names where it came from.
     */
    private static void checkLocalInputs(Invocation inv, Project project, Resolved r, List<String> secrets) {
        if (!Files.isRegularFile(r.dockerfile().value())) {
            String origin = r.dockerfile().origin().equals("default")
                    ? "nssimg's default Dockerfile (choose one with --file, CONTAINER_GPU_FILE or a profile's dockerfile)"
                    : r.dockerfile().origin();
            throw NssimgException.usage(origin + ": Dockerfile " + project.display(r.dockerfile().value()) + " not found");
        }
        checkDirectory(project, "context", r.context());
        r.contexts().forEach((name, v) -> Resolved.localContext(v.value())
                .ifPresent(dir -> checkDirectory(project, "named context " + name, Located.of(dir, v.origin()))));
        for (String spec : secrets) {
            // As buildx reads them: env=VAR, or type=env with src=VAR, names a variable; src=FILE (type=file, the
            // default) a file, relative to the working directory buildx runs in. An id alone is buildx's to look up.
            Map<String, String> parts = Planner.secretParts(spec);
            String src = parts.getOrDefault("src", parts.get("source"));
            boolean envType = "env".equals(parts.get("type"));
            String variable = parts.containsKey("env") ? parts.get("env") : envType ? src : null;
            if (variable != null && !inv.env().containsKey(variable)) {
                throw NssimgException.usage("flag --secret id=" + parts.get("id") + ": environment variable " + variable + " is not set");
            }
            Path file = src == null ? null : inv.cwd().resolve(src);
            if (!envType && file != null && !(Files.isRegularFile(file) && Files.isReadable(file))) {
                throw NssimgException.usage("flag --secret id=" + parts.get("id") + ": file " + src + " not found or not readable");
            }
        }
    }

    private static void checkDirectory(Project project, String what, Located<Path> dir) {
        if (!Files.isDirectory(dir.value())) {
            throw NssimgException.usage(dir.origin() + ": " + what + " " + project.display(dir.value()) + " is not a directory");
        }
    }

    /**
     * Runs the plan: buildx (or the classic builder when buildx is missing and the plan allows it), then the facts.
     * events: where progress events go (--json); null passes buildx's own lines to stderr.
     */
    public static Outcome run(Invocation inv, Planned planned, ProgressListener events) {
        BuildPlan plan = planned.plan();
        int jobs = planned.request().jobs();
        BuildRunner runner = new BuildRunner(inv.launcher(), inv.err(), inv.cwd(), events, inv.env(), inv.cleanup(), inv.log(),
                inv.turns());
        ImageSize size = plan.push() ? null : new ImageSize(inv, plan.tags().get(0));
        if (size != null && plan.builds().size() == 1) {
            runner.onImageStored(label -> size.askNow());
        }
        BuildRunner.Result result;
        try {
            result = runner.run(plan, jobs);
        } catch (BuildRunner.BuildxMissing missing) {
            result = runClassic(inv, runner, plan, jobs);
        }
        String digest = result.digest();
        if (plan.push() && digest == null) {
            digest = new Imagetools(inv.dockerCli()).inspect(plan.tags().get(0)).digest();
        }
        int steps = result.builds().stream().mapToInt(BuildRunner.StepResult::steps).sum();
        int cached = result.builds().stream().mapToInt(BuildRunner.StepResult::cached).sum();
        return new Outcome(plan.tags(), digest, plan.platforms(), plan.strategy(), plan.push(), plan.builds().size() > 1,
                size == null ? -1 : size.get(), result.duration(), steps, cached);
    }

    private static BuildRunner.Result runClassic(Invocation inv, BuildRunner runner, BuildPlan plan, int jobs) {
        BuildPlan classic = plan.classic().orElseThrow(() -> NssimgException.environment(
                "docker buildx is not installed, and this build needs it" + (plan.platforms().size() > 1 ? " (several platforms)" : "")
                        + "; install the buildx plugin (Debian: docker-buildx; or scripts/testbed up)"));
        inv.err().println("nssimg: docker buildx is not installed; building with the classic `docker build` and DOCKER_BUILDKIT=1");
        try {
            return runner.run(classic, jobs);
        } catch (BuildRunner.BuildxMissing stillMissing) {
            throw NssimgException.environment("docker buildx is not installed, and this docker CLI (23.0 or newer) needs it"
                    + " for every BuildKit build; install the buildx plugin (Debian: docker-buildx; or scripts/testbed up)");
        }
    }

    /**
     * The size of a loaded image. The engine client is warmed up (client, JSON models) while buildx works,
     * and the size is asked as soon as the exporter has stored the image, while buildx is still finishing.
     */
    private static final class ImageSize {
        private final Invocation inv;
        private final String ref;
        private final CompletableFuture<Engine> engine;
        private final AtomicReference<CompletableFuture<Long>> early = new AtomicReference<>();

        ImageSize(Invocation inv, String ref) {
            this.inv = inv;
            this.ref = ref;
            this.engine = CompletableFuture.supplyAsync(() -> {
                long t0 = System.nanoTime();
                Engine e = inv.engine();
                e.inspectImage(ref);
                inv.log().debug(Builds.class, "engine client ready after {} ms", (System.nanoTime() - t0) / 1_000_000);
                return e;
            });
        }

        void askNow() {
            early.compareAndSet(null, CompletableFuture.supplyAsync(this::measure));
        }

        long get() {
            CompletableFuture<Long> f = early.get();
            return f != null ? f.join() : measure();
        }

        private long measure() {
            try {
                long t0 = System.nanoTime();
                Engine e = engine.join();
                inv.log().debug(Builds.class, "waited {} ms for the engine client", (System.nanoTime() - t0) / 1_000_000);
                Optional<ImageFacts> f = e.inspectImage(ref);
                inv.log().debug(Builds.class, "inspected {} in {} ms", ref, (System.nanoTime() - t0) / 1_000_000);
                return f.map(ImageFacts::size).orElse(-1L);
            } catch (NssimgException | CompletionException e) {
                return -1; // the size is a nicety; the build itself succeeded
            }
        }
    }
}
