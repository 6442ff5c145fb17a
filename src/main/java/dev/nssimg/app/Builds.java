package dev.nssimg.app;

import dev.nssimg.buildx.BuildRunner;
import dev.nssimg.buildx.DockerContexts;
import dev.nssimg.buildx.Imagetools;
import dev.nssimg.buildx.ProgressListener;
import dev.nssimg.dockerfile.DockerfileInfo;
import dev.nssimg.engine.Engine;
import dev.nssimg.error.ExitCode;
import dev.nssimg.error.NssimgException;
import dev.nssimg.lint.Finding;
import dev.nssimg.lint.Lint;
import dev.nssimg.lint.Severity;
import dev.nssimg.model.EngineInfo;
import dev.nssimg.model.ImageHistory;
import dev.nssimg.oci.OciLayout;
import dev.nssimg.plan.ArgForms;
import dev.nssimg.plan.Build;
import dev.nssimg.plan.BuildFacts;
import dev.nssimg.plan.BuildPlan;
import dev.nssimg.plan.BuildRequest;
import dev.nssimg.plan.ContainerEngine;
import dev.nssimg.plan.Layers;
import dev.nssimg.plan.Planner;
import dev.nssimg.plan.PodmanPlan;
import dev.nssimg.plan.Stages;
import dev.nssimg.profile.Located;
import dev.nssimg.profile.Overrides;
import dev.nssimg.profile.Resolved;
import dev.nssimg.profile.Resolver;
import dev.nssimg.profile.Validation;
import dev.nssimg.runtime.Invocation;
import dev.nssimg.workspace.Project;
import dev.nssimg.workspace.Pyproject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
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
            String builder, String progress, List<String> secrets, boolean strict, boolean json, boolean dryRun,
            BuildRequest.Publishing publishing, String maxSize) {
        public Request {
            tags = List.copyOf(tags);
            buildArgs = List.copyOf(buildArgs);
            secrets = List.copyOf(secrets);
        }
    }

    /** A size budget in bytes and where it came from (flag --max-size or a profile's size-budget). */
    public record Budget(long bytes, String origin) {}

    /**
     * A plan, and the resolved profile and Dockerfiles (by platform) it came from (a smoke after the build reads
     * neither again), with the Dockerfile lint's findings (each platform's own file; an error among them means the
     * build must not start), the notes of the work tree's facts, and the size budget (null when there is none).
     */
    public record Planned(BuildPlan plan, Resolved resolved, Map<String, DockerfileInfo> dockerfiles, Request request,
            List<Finding> findings, List<String> notes, Budget budget, EngineChoice engine) {
        public Planned {
            dockerfiles = Map.copyOf(dockerfiles);
            findings = List.copyOf(findings);
            notes = List.copyOf(notes);
        }

        /** The plan's warnings, after what the facts of the work tree gave (a dirty tree, tags left out). */
        public List<String> warnings() {
            List<String> all = new java.util.ArrayList<>(notes);
            all.addAll(plan.warnings());
            return all;
        }

        /** The Dockerfile of the plan's first platform (the one its target and tags are named after). */
        public DockerfileInfo dockerfile() {
            return dockerfile(plan.platforms().get(0));
        }

        /** The Dockerfile of one of the plan's platforms. */
        public DockerfileInfo dockerfile(String platform) {
            return dockerfiles.getOrDefault(platform, dockerfiles.get(plan.platforms().get(0)));
        }

        /** The steps of the built stage in a platform's Dockerfile (an unnamed last stage is found as the default). */
        public List<DockerfileInfo.Step> steps(String platform) {
            DockerfileInfo df = dockerfile(platform);
            return df.steps(df.stage(plan.target()).orElse(df.defaultStage()));
        }

        public boolean blocked() {
            return Lint.hasErrors(findings);
        }
    }

    /**
     * What a finished build reports. size is -1 when unknown (pushed images, or the engine could not say); layers
     * is null then too. overBudget is the message of an image over its size budget, else null. pushedLayers: for a
     * pushed build, each platform's layers as the registry holds them (compressed bytes) against the image the tag
     * held there before, by platform; empty when not pushed or when the registry could not be read.
     */
    public record Outcome(List<String> tags, String digest, List<String> platforms, BuildRequest.Strategy strategy,
            boolean pushed, boolean split, long size, Duration duration, int steps, int cachedSteps, Layers.Report layers,
            Budget budget, String overBudget, Map<String, Layers.Report> pushedLayers) {
        public Outcome {
            pushedLayers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(pushedLayers));
        }

        /** What the size budget was compared with: "unpacked" (a loaded image), "compressed" (a pushed one), or null. */
        public String budgetMeasured() {
            return budget == null ? null : size >= 0 ? "unpacked" : !pushedLayers.isEmpty() ? "compressed" : null;
        }
    }

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
        EngineChoice engine = EngineChoice.resolve(inv.env(), req.selection().engine(), r.engine());
        if (engine.podman()) {
            refuseOnPodman(req);
        }
        // A comma list implies --multiarch, from the flag or (when no --platform is given) CONTAINER_GPU_PLATFORM:
        // the resolver took the platform list from whichever was given.
        boolean multiarch = req.multiarch() || platformsFlag != null
                || (platformFlag == null && r.platforms().origin().equals(Overrides.PLATFORM_ENV));
        List<String> platforms = multiarch ? r.platforms().value() : List.of(r.platform().value());
        checkLocalInputs(inv, in.project(), r, platforms, req.secrets());
        // Each platform's own Dockerfile (platform-dockerfiles), each file read once.
        Map<Path, DockerfileInfo> read = new HashMap<>();
        Map<String, DockerfileInfo> dockerfiles = new LinkedHashMap<>();
        for (String p : platforms) {
            dockerfiles.put(p, read.computeIfAbsent(r.dockerfileFor(p).value(), in.project()::dockerfile));
        }
        for (String p : platforms) { // a variant the project cannot install is refused before anything runs
            DockerfileInfo d = dockerfiles.get(p);
            List<ArgForms.Problem> bad = ArgForms.extraProblems(d, r.argsFor(p), Pyproject.extras(r.contextFor(p).value()));
            if (!bad.isEmpty()) {
                throw NssimgException.usage(bad.get(0).message());
            }
        }
        BuildRequest.Output out = req.push() ? BuildRequest.Output.PUSH
                : req.load() ? BuildRequest.Output.LOAD : BuildRequest.Output.DEFAULT;
        String progress = req.progress() != null ? req.progress() : req.json() && !req.dryRun() ? "rawjson" : "plain";
        boolean verify = req.publishing().verify();
        List<String> notes = new java.util.ArrayList<>();
        BuildRequest.Publishing publishing = req.publishing();
        if (engine.podman()) {
            // What podman cannot do is not applied from a profile: the flags asking for it were refused above.
            if (r.publishing().reproducible() != null && r.publishing().reproducible().value().equals("true")) {
                notes.add(r.publishing().reproducible().origin() + ": reproducible (rewritten layer times) is docker buildx's;"
                        + " podman builds without it");
            }
            for (Located<?> v : java.util.Arrays.asList(r.publishing().provenance(), r.publishing().sbom(), r.publishing().attest())) {
                if (v != null) {
                    notes.add(v.origin() + ": attestations are docker buildx's; podman builds without them");
                }
            }
            publishing = new BuildRequest.Publishing(false, false, null, null, List.of());
        }
        List<String> tags = req.tags().isEmpty() && req.file() != null ? otherFileTags(inv, in, req.selection()) : req.tags();
        BuildRequest br = new BuildRequest(req.target(), multiarch, req.strategy(), tags, out, req.noCache() || verify,
                req.pull(), progress, req.secrets(), req.strict(), req.pushByDigest(), in.project().stateDir(inv.env()),
                publishing);
        boolean pushes = multiarch || req.push();
        BuildFacts source = SourceFacts.facts(inv, r, req.tags().isEmpty() && r.publishing().tags() != null, pushes, notes);
        // A PACKAGE_VERSION the user sets versions the image too, so that the package and the label agree.
        Located<String> pkg = r.argsFor(r.platform().value()).get(Planner.PACKAGE_VERSION);
        String version = source.version() != null && pkg != null && !pkg.value().isBlank() ? pkg.value() : source.version();
        BuildFacts facts = new BuildFacts(source.gitRevision(), source.created(), source.cwd(), source.sourceDateEpoch(),
                version, source.tags(), engine.podman() ? Map.of() : engines(inv, r));
        BuildPlan plan = Planner.plan(br, r, dockerfiles::get, facts);
        if (engine.podman()) {
            plan = PodmanPlan.of(plan, engine.program(), r, dockerfiles::get);
        }
        // Each distinct Dockerfile linted once, for the stage its platform builds; an unnamed one (the last) is the
        // default, not a --target.
        List<Finding> findings = new java.util.ArrayList<>();
        java.util.Set<String> linted = new java.util.HashSet<>();
        for (String p : plan.platforms()) {
            DockerfileInfo df = dockerfiles.get(p);
            if (linted.add(df.file() + "\0" + r.contextFor(p).value())) {
                String stage = Stages.of(req.target(), df).name();
                findings.addAll(Checks.lint(df, df.stage(stage).isPresent() ? stage : null, engine, r.dockerfileFor(p).value(),
                        r.contextFor(p).value(), in.runner().buildTargets()));
            }
        }
        Budget budget = req.maxSize() != null ? budget(Located.of(req.maxSize(), "flag --max-size"))
                : r.sizeBudget() != null ? budget(r.sizeBudget()) : null;
        return new Planned(plan, r, dockerfiles, req, findings, notes, budget, engine);
    }

    /**
     * The tags of a build of a Dockerfile that --file names, without --tag: it never takes the GPU image's tag by
     * default. The repository's test Dockerfile (CONTAINER_TEST_FILE, else containers/Dockerfile.test_ci) gets the test
     * image's name (CONTAINER_TEST_IMAGE, else nss-test:latest); the profile's own Dockerfile, or the one
     * CONTAINER_GPU_FILE names (upstream's tasks pair it with CONTAINER_GPU_IMAGE), the profile's image (an empty list),
     * as does any Dockerfile of a tree that has no profile Dockerfile at all; any other is exit 2.
     */
    static List<String> otherFileTags(Invocation inv, Inputs in, Selection sel) {
        Path root = in.project().root();
        Path built = in.resolved().dockerfile().value().normalize();
        String testFile = inv.env().getOrDefault("CONTAINER_TEST_FILE", "");
        if (built.equals(root.resolve(testFile.isBlank() ? Runs.TEST_FILE : testFile.strip()).normalize())) {
            String image = inv.env().getOrDefault("CONTAINER_TEST_IMAGE", "");
            Located<String> tag = image.isBlank() ? Located.of(Runs.TEST_IMAGE, "the test image")
                    : Located.of(image.strip(), "env CONTAINER_TEST_IMAGE");
            Validation.imageRef(tag, "tag");
            return List.of(tag.value());
        }
        Resolved own = Resolver.resolve(in.file(), sel.profile(), root, in.project().cwd(), Overrides.fromEnv(inv.env()), Overrides.NONE);
        if (built.equals(own.dockerfile().value().normalize()) || !Files.isRegularFile(own.dockerfile().value())) {
            // The profile's Dockerfile (or CONTAINER_GPU_FILE's), or a tree without one: --file names the only image
            // the repository builds, and the profile's image is its name.
            return List.of();
        }
        throw NssimgException.usage("flag --file: " + in.project().display(built) + " is neither the profile's Dockerfile ("
                + in.project().display(own.dockerfile().value()) + ") nor the test Dockerfile; pass --tag to name its image"
                + " (it would otherwise overwrite " + own.image().value() + ")");
    }

    /**
     * Flags podman cannot honour (ContainerEngine.PODMAN's table): exit 2, naming the flag. Defaults that need
     * them are not applied (PodmanPlan, and the profile's values in plan above).
     */
    static void refuseOnPodman(Request req) {
        ContainerEngine.Support can = ContainerEngine.PODMAN.support();
        String hint = "; build with --engine docker for it";
        if (req.progress() != null && !can.rawjsonProgress()) {
            throw NssimgException.usage("flag --progress: podman build has no progress modes (it prints plain text)" + hint);
        }
        if (req.pushByDigest() != null && req.pushByDigest() && !can.pushByDigest()) {
            throw NssimgException.usage("flag --push-by-digest: podman pushes a manifest list by tag, not platforms by digest" + hint);
        }
        BuildRequest.Publishing p = req.publishing();
        if (!can.attestations()) {
            String flag = p.provenance() != null ? "--provenance" : p.sbom() != null ? "--sbom" : !p.attest().isEmpty() ? "--attest" : null;
            if (flag != null) {
                throw NssimgException.usage("flag " + flag + ": podman build makes no attestations" + hint);
            }
        }
        if (!can.reproducible()) {
            if (p.verify()) {
                throw NssimgException.usage("flag --verify-reproducible: podman has no OCI export with rewritten layer times" + hint);
            }
            if (Boolean.TRUE.equals(p.reproducible())) {
                throw NssimgException.usage("flag --reproducible: podman has no OCI export with rewritten layer times" + hint);
            }
        }
    }

    /**
     * The docker contexts a profile's builders may name (platform-builders naming engines on other machines), read
     * from the docker CLI's configuration without running it; empty when the profile names no builder.
     */
    static Map<String, String> engines(Invocation inv, Resolved r) {
        if (r.builder() == null && r.platformBuilders().isEmpty()) {
            return Map.of();
        }
        String host = inv.env().getOrDefault("DOCKER_HOST", "");
        return DockerContexts.read(Engine.dockerConfigDir(inv.env(), inv.cwd()), host.isBlank() ? Engine.DEFAULT_HOST : host);
    }

    /** A plan whose Dockerfile has lint errors does not run (nor print as a dry run): exit 1, naming the file. */
    public static void refuseIfBlocked(Planned planned) {
        List<Finding> errors = planned.findings().stream().filter(f -> f.severity() == Severity.ERROR).toList();
        if (!errors.isEmpty()) {
            String files = String.join(", ", errors.stream().map(Finding::file).distinct().toList());
            throw NssimgException.failed(files + ": " + errors.size() + (errors.size() == 1 ? " error" : " errors")
                    + " in the Dockerfile (above; nssimg check explains), so the build did not start");
        }
    }

    private static Budget budget(Located<String> v) {
        return new Budget(Validation.size(v), v.origin());
    }

    /**
     * Before a build with a size budget: the engine's free disk. Below the budget the build cannot fit (exit 3);
     * below twice the budget it is a warning (returned). Nothing to say without a budget or when the engine's data
     * directory cannot be seen from here (that is a warning too).
     */
    public static List<String> checkDisk(Invocation caller, Planned planned) {
        Budget b = planned.budget();
        if (b == null) {
            return List.of();
        }
        Engine e = planned.engine().apply(caller).engine();
        EngineInfo info = e.info();
        OptionalLong free = e.freeDisk(info);
        List<String> warnings = new java.util.ArrayList<>();
        if (planned.plan().push()) {
            warnings.add("size budget " + Layers.size(b.bytes()) + " (" + b.origin() + "): a pushed image is measured by its "
                    + "compressed size in the registry, which is less than its size on disk; build it with --load to check it fully");
        }
        if (free.isEmpty()) {
            warnings.add("cannot see the free disk of the engine at " + info.host() + " (" + info.rootDir() + "); "
                    + "a build within the size budget needs " + Layers.size(b.bytes()));
            return warnings;
        }
        String d = Layers.size(free.getAsLong()) + " free at " + info.rootDir();
        if (free.getAsLong() < b.bytes()) {
            throw NssimgException.environment("engine disk: " + d + ", less than the size budget of " + Layers.size(b.bytes())
                    + " (" + b.origin() + "); free space first (docker builder prune, docker image prune)");
        }
        if (free.getAsLong() < 2 * b.bytes()) {
            warnings.add("engine disk: " + d + ", less than twice the size budget of " + Layers.size(b.bytes()) + " (" + b.origin()
                    + "): a rebuild next to the old image may not fit");
        }
        return warnings;
    }

    /**
     * What buildx would only find missing once it runs, checked first (--dry-run too): the Dockerfile, the context
     * and named-context directories, and the files and variables --secret names. Each names where it came from.
     */
    private static void checkLocalInputs(Invocation inv, Project project, Resolved r, List<String> platforms, List<String> secrets) {
        for (String p : platforms) {
            Located<Path> dockerfile = r.dockerfileFor(p);
            if (!Files.isRegularFile(dockerfile.value())) {
                String origin = dockerfile.origin().equals("default")
                        ? "nssimg's default Dockerfile (choose one with --file, CONTAINER_GPU_FILE or a profile's dockerfile)"
                        : dockerfile.origin();
                throw NssimgException.usage(origin + ": Dockerfile " + project.display(dockerfile.value()) + " not found"
                        + (r.platformDockerfiles().containsKey(p) ? " (for " + p + ")" : ""));
            }
            checkDirectory(project, r.platformContexts().containsKey(p) ? "context of " + p : "context", r.contextFor(p));
        }
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
    public static Outcome run(Invocation caller, Planned planned, ProgressListener events) {
        refuseIfBlocked(planned);
        Invocation inv = planned.engine().apply(caller);
        BuildPlan plan = planned.plan();
        // podman's per-platform builds add to one manifest list: they take turns.
        int jobs = planned.engine().podman() ? 1 : planned.request().jobs();
        BuildRunner runner = new BuildRunner(inv.launcher(), inv.err(), inv.cwd(), events, inv.env(), inv.cleanup(), inv.log(),
                inv.turns());
        // A build on another engine (a docker context) loads its image there, not into the caller's engine: the
        // same tag here, if any, is another image, so its size is not asked.
        boolean elsewhere = plan.builds().stream().anyMatch(c -> c instanceof Build b && b.flags().dockerContext() != null);
        ImageSize size = plan.push() || elsewhere ? null : new ImageSize(inv, plan.tags().get(0));
        List<DockerfileInfo.Step> steps = planned.steps(plan.platforms().get(0));
        if (size != null && plan.builds().size() == 1) {
            runner.onImageStored(label -> size.askNow());
        }
        // A pushed build's tag is read from its registry before buildx can replace it.
        RegistryLayers registry = plan.push() ? RegistryLayers.before(inv, plan) : null;
        BuildRunner.Result result;
        try {
            result = runner.run(plan, jobs);
        } catch (BuildRunner.BuildxMissing missing) {
            result = runClassic(inv, runner, plan, jobs);
        }
        String digest = result.digest();
        if (plan.push() && digest == null) {
            digest = new Imagetools(inv.captured()).inspect(plan.tags().get(0)).digest();
        }
        int stepCount = result.builds().stream().mapToInt(BuildRunner.StepResult::steps).sum();
        // -1: the engine does not say (podman)
        int cached = result.builds().stream().anyMatch(b -> b.cached() < 0) ? -1
                : result.builds().stream().mapToInt(BuildRunner.StepResult::cached).sum();
        Layers.Report layers = size == null ? null : size.layers(steps, planned.dockerfile().file());
        Budget budget = planned.budget();
        String over = budget == null || layers == null ? null
                : Layers.overBudget(plan.tags().get(0), layers, budget.bytes(), budget.origin());
        Map<String, Layers.Report> pushedLayers = registry == null || digest == null ? Map.of()
                : registry.after(Planner.repository(plan.tags().get(0)) + "@" + digest, planned);
        if (layers == null && budget != null) {
            // A pushed image's size on disk is not known here, but its compressed size is at most that: a platform
            // already over the budget compressed is over it.
            over = pushedLayers.entrySet().stream().map(e -> Layers.overBudget(plan.tags().get(0) + " (" + e.getKey()
                    + ", compressed in its registry)", e.getValue(), budget.bytes(), budget.origin()))
                    .filter(java.util.Objects::nonNull).findFirst().orElse(null);
        }
        return new Outcome(plan.tags(), digest, plan.platforms(), plan.strategy(), plan.push(), plan.builds().size() > 1,
                layers == null ? -1 : layers.imageBytes(), result.duration(), stepCount, cached, layers, budget, over, pushedLayers);
    }

    /** One platform of a reproducibility check: the two builds' manifest digests, and what differs when they do. */
    public record Compared(String platform, String first, String second, List<String> differences) {
        public boolean same() {
            return first.equals(second);
        }
    }

    /** What --verify-reproducible found: every platform's comparison, and the time the two builds took. */
    public record Verified(List<Compared> platforms, Duration duration) {
        public boolean reproducible() {
            return platforms.stream().allMatch(Compared::same);
        }
    }

    /**
     * --verify-reproducible: each build of the plan, twice, without cache, into OCI tarballs in the state directory
     * (layer times rewritten to SOURCE_DATE_EPOCH), then each platform's manifest digest compared; on a difference
     * the layers and the files in them are named. Loads and publishes nothing; the tarballs are removed.
     */
    public static Verified verify(Invocation inv, Planned planned, ProgressListener events) {
        refuseIfBlocked(planned);
        BuildPlan plan = planned.plan();
        BuildRunner runner = new BuildRunner(inv.launcher(), inv.err(), inv.cwd(), events, inv.env(), inv.cleanup(), inv.log(),
                inv.turns());
        List<List<Build>> rounds = new java.util.ArrayList<>();
        for (String round : List.of("1", "2")) {
            List<Build> builds = plan.builds().stream().map(c -> (Build) c).map(b -> {
                String suffix = ".verify-" + round;
                Path dest = b.metadataFile().resolveSibling(b.metadataFile().getFileName() + suffix + ".oci.tar");
                return b.verifying(dest, b.metadataArg() + suffix + ".oci.tar", b.metadataFile().resolveSibling(
                        b.metadataFile().getFileName() + suffix), b.metadataArg() + suffix);
            }).toList();
            rounds.add(builds);
        }
        long t0 = System.nanoTime();
        try {
            for (List<Build> builds : rounds) {
                inv.err().println("nssimg: reproducibility check, build " + (rounds.indexOf(builds) + 1) + " of 2 (no cache)");
                inv.err().flush();
                runner.run(new BuildPlan(plan.target(), plan.platforms(), plan.strategy(), plan.tags(), false,
                        List.copyOf(builds), List.of()), planned.request().jobs());
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            List<Compared> out = new java.util.ArrayList<>();
            for (int i = 0; i < rounds.get(0).size(); i++) {
                OciLayout a = OciLayout.read(rounds.get(0).get(i).output().dest());
                OciLayout b = OciLayout.read(rounds.get(1).get(i).output().dest());
                Map<String, OciLayout.Image> ia = a.images();
                Map<String, OciLayout.Image> ib = b.images();
                for (String p : ia.keySet()) {
                    String da = ia.get(p).digest();
                    String db = ib.containsKey(p) ? ib.get(p).digest() : "missing";
                    out.add(new Compared(p, da, db, da.equals(db) ? List.of() : a.differences(b, p, 20)));
                }
            }
            return new Verified(out, took);
        } catch (java.io.IOException e) {
            throw NssimgException.failed("cannot read the builds' OCI layouts: " + e.getMessage());
        } finally {
            for (List<Build> builds : rounds) {
                for (Build b : builds) {
                    deleteQuietly(b.output().dest());
                    deleteQuietly(b.metadataFile());
                }
            }
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (java.io.IOException e) {
            // the state directory only: a leftover is overwritten by the next check
        }
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
     * The layers of a pushed image per platform, as its registry holds them, and those of the image the tag held
     * there before the build. The previous image is read before the build starts (a cached rebuild can push within
     * a second). A registry that cannot be read leaves the report out with a warning saying why: the build itself
     * has succeeded, so nothing here fails it (but Ctrl-C still stops nssimg).
     */
    private static final class RegistryLayers {
        /** Per registry request; the reads before a build take at most twice this. */
        private static final long TIMEOUT_SECONDS = 10;
        private final Invocation inv;
        private final Imagetools tools;
        private final Map<String, ImageHistory> previous;

        private RegistryLayers(Invocation inv, Imagetools tools, Map<String, ImageHistory> previous) {
            this.inv = inv;
            this.tools = tools;
            this.previous = previous;
        }

        static RegistryLayers before(Invocation inv, BuildPlan plan) {
            String tag = plan.tags().get(0);
            String builder = plan.builds().stream().filter(c -> c instanceof Build).map(c -> ((Build) c).flags().builder())
                    .filter(java.util.Objects::nonNull).findFirst().orElse(null);
            Imagetools tools = new Imagetools(inv.captured(), TIMEOUT_SECONDS, builder);
            try {
                return new RegistryLayers(inv, tools, tools.histories(tag).orElse(Map.of()));
            } catch (RuntimeException e) {
                unreadable(inv, "the previous image of " + tag, e);
                return null;
            }
        }

        Map<String, Layers.Report> after(String pushed, Planned planned) {
            try {
                Map<String, Layers.Report> out = new LinkedHashMap<>();
                tools.histories(pushed).orElse(Map.of()).forEach((platform, now) -> out.put(platform,
                        Layers.of(previous.get(platform), now, planned.steps(platform), planned.dockerfile(platform).file())));
                return out;
            } catch (RuntimeException e) {
                unreadable(inv, "the pushed image " + pushed, e);
                return Map.of();
            }
        }

        private static void unreadable(Invocation inv, String what, RuntimeException e) {
            if (e instanceof NssimgException n && n.exitCode() == ExitCode.INTERRUPTED) {
                throw n;
            }
            inv.err().println("nssimg: warning: what the rebuild added is not reported (reading " + what + "): " + e.getMessage());
            inv.err().flush();
            inv.log().debug(Builds.class, "registry read failed", e);
        }
    }

    /**
     * The layers of a loaded image, and those of the image the tag held before. The engine client is warmed up
     * while buildx works, by reading the previous image (before buildx can have replaced it: buildx takes longer
     * to start than one inspect), and the new one is read as soon as the exporter has stored it, while buildx is
     * still finishing.
     */
    private static final class ImageSize {
        private final Invocation inv;
        private final String ref;
        private final CompletableFuture<Engine> engine;
        private final AtomicReference<ImageHistory> previous = new AtomicReference<>();
        private final AtomicReference<CompletableFuture<ImageHistory>> early = new AtomicReference<>();

        ImageSize(Invocation inv, String ref) {
            this.inv = inv;
            this.ref = ref;
            this.engine = CompletableFuture.supplyAsync(() -> {
                long t0 = System.nanoTime();
                Engine e = inv.engine();
                try {
                    e.history(ref).ifPresent(previous::set);
                } catch (NssimgException ex) {
                    inv.log().debug(Builds.class, "no previous image of {}: {}", ref, ex.getMessage());
                }
                inv.log().debug(Builds.class, "engine client ready after {} ms", (System.nanoTime() - t0) / 1_000_000);
                return e;
            });
        }

        void askNow() {
            early.compareAndSet(null, CompletableFuture.supplyAsync(this::measure));
        }

        /** The new image's layers against the previous image's; null when the engine could not say. */
        Layers.Report layers(List<DockerfileInfo.Step> steps, String file) {
            CompletableFuture<ImageHistory> f = early.get();
            ImageHistory now = f != null ? f.join() : measure();
            return now == null ? null : Layers.of(previous.get(), now, steps, file);
        }

        private ImageHistory measure() {
            try {
                long t0 = System.nanoTime();
                Engine e = engine.join();
                inv.log().debug(Builds.class, "waited {} ms for the engine client", (System.nanoTime() - t0) / 1_000_000);
                Optional<ImageHistory> h = e.history(ref);
                inv.log().debug(Builds.class, "read the layers of {} in {} ms", ref, (System.nanoTime() - t0) / 1_000_000);
                return h.orElse(null);
            } catch (NssimgException | CompletionException e) {
                return null; // the size is a nicety; the build itself succeeded
            }
        }
    }
}
