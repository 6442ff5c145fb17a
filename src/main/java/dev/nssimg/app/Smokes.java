package dev.nssimg.app;

import dev.nssimg.buildx.Imagetools;
import dev.nssimg.dockerfile.DockerfileInfo;
import dev.nssimg.engine.Engine;
import dev.nssimg.error.ExitCode;
import dev.nssimg.error.NssimgException;
import dev.nssimg.model.EngineInfo;
import dev.nssimg.model.ImageFacts;
import dev.nssimg.plan.Build;
import dev.nssimg.plan.Gpus;
import dev.nssimg.plan.Layers;
import dev.nssimg.plan.Planner;
import dev.nssimg.plan.Stages;
import dev.nssimg.profile.ImageTest;
import dev.nssimg.profile.Located;
import dev.nssimg.profile.Overrides;
import dev.nssimg.profile.Resolved;
import dev.nssimg.profile.Resolver;
import dev.nssimg.profile.Validation;
import dev.nssimg.runtime.Captured;
import dev.nssimg.runtime.Engines;
import dev.nssimg.runtime.Invocation;
import dev.nssimg.smoke.Check;
import dev.nssimg.smoke.ImageTestRunner;
import dev.nssimg.smoke.SmokeChecks;
import dev.nssimg.smoke.SmokeRunner;
import dev.nssimg.workspace.Project;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** `nssimg smoke`: run an image's checks on the engine (every platform of a pushed index with allPlatforms). */
public final class Smokes {
    private Smokes() {}

    /** image null: the profile's image of target. platform null: the image's own. */
    /**
     * target: the stage (null: the one the image records, else runtime). file: the Dockerfile to judge by (null: the
     * one the image records, else the profile's). requireGpu: a GPU check that cannot run here fails instead of
     * being reported as not run.
     */
    public record Request(Selection selection, String target, String image, String platform, boolean allPlatforms,
            long timeoutSeconds, boolean requireGpu, Path file) {
        public Request(Selection selection, String target, String image, String platform, boolean allPlatforms,
                long timeoutSeconds) {
            this(selection, target, image, platform, allPlatforms, timeoutSeconds, false, null);
        }
    }

    /** The image tested and every check's outcome. */
    /**
     * layers: the image's size and layers, each with its Dockerfile line where the history matches the Dockerfile;
     * null when not measured (a pushed index, or an engine that gives no history).
     */
    public record Outcome(String image, List<Check> checks, Layers.Report layers) {
        public Outcome {
            checks = List.copyOf(checks);
        }

        public Outcome(String image, List<Check> checks) {
            this(image, checks, null);
        }

        public boolean passed() {
            return checks.stream().allMatch(Check::ok);
        }

        public ExitCode exitCode() {
            return passed() ? ExitCode.OK : ExitCode.FAILED;
        }
    }

    public static Outcome run(Invocation inv, Request asked) {
        Request req = new Request(asked.selection(), asked.target() == null ? null : asked.target().toLowerCase(Locale.ROOT),
                asked.image(), asked.platform(), asked.allPlatforms(), asked.timeoutSeconds(), asked.requireGpu(), asked.file());
        if (req.image() == null && req.file() == null && req.target() != null && !req.target().equals("runtime")
                && !req.target().equals("dev")) {
            // The profile's images are its runtime and dev ones; any other stage is judged on an image named by --image.
            throw NssimgException.usage("flag --target: '" + asked.target() + "' is not runtime or dev (another stage: name its"
                    + " image with --image, or its Dockerfile with --file)");
        }
        if (req.file() != null && !Files.isRegularFile(inv.cwd().resolve(req.file()))) {
            throw NssimgException.usage("flag --file: " + req.file() + " not found");
        }
        if (req.timeoutSeconds() < 1) {
            throw NssimgException.usage("flag --timeout: must be at least 1 second");
        }
        Inputs in = Inputs.load(inv, req.selection(), Overrides.platformOnly(Inputs.flag(req.platform(), "--platform")));
        EngineChoice engine = EngineChoice.resolve(inv.env(), req.selection().engine(), in.resolved().engine());
        return run(engine.apply(inv), engine, req, in.resolved(), in::readableDockerfile, true);
    }

    /** The smoke of an image just built (build --smoke): its stage, its profile and Dockerfile, not read again. */
    public static Outcome afterBuild(Invocation inv, Builds.Planned built, long timeoutSeconds) {
        return afterBuild(inv, built, null, timeoutSeconds);
    }

    /**
     * digest: what the build pushed (null: not known, or loaded only); a pushed image is then tested by that digest,
     * so the image smoke-tested is the one published, whatever the tag says meanwhile.
     */
    public static Outcome afterBuild(Invocation caller, Builds.Planned built, String digest, long timeoutSeconds) {
        return afterBuild(caller, built, digest, timeoutSeconds, false);
    }

    public static Outcome afterBuild(Invocation caller, Builds.Planned built, String digest, long timeoutSeconds,
            boolean requireGpu) {
        Invocation inv = built.engine().apply(caller);
        boolean all = built.plan().push() && built.plan().platforms().size() > 1;
        String tag = built.plan().tags().get(0);
        String ref = all && digest != null ? Planner.repository(tag) + "@" + digest : tag; // one platform: the image loaded or pushed from the engine
        Request req = new Request(built.request().selection(), built.plan().target(), ref, null, all, timeoutSeconds, requireGpu,
                null);
        String context = all ? null : built.plan().builds().stream()
                .map(c -> c instanceof Build b ? b.flags().dockerContext() : null)
                .filter(java.util.Objects::nonNull).findFirst().orElse(null);
        if (context == null) {
            return run(inv, built.engine(), req, built.resolved(), p -> Optional.of(built.dockerfile(p)), false);
        }
        // Built and loaded on a docker context's engine: the image is there, so the smoke runs there.
        Map<String, String> env = new java.util.HashMap<>(inv.env());
        env.put("DOCKER_HOST", Builds.engines(inv, built.resolved()).get(context));
        env.remove("DOCKER_CONTEXT");
        try (Engines there = Engines.connecting()) {
            Invocation on = new Invocation(env, inv.cwd(), inv.out(), inv.err(), inv.launcher(), there, inv.cleanup(), inv.log(),
                    inv.turns());
            return run(on, built.engine(), req, built.resolved(), p -> Optional.of(built.dockerfile(p)), false);
        }
    }

    /** The image's layers matched to the lines of the stage it was built from; null when the engine gives no history. */
    private static Layers.Report layers(Engine engine, String ref, Judge judge) {
        Optional<DockerfileInfo> df = judge.dockerfile();
        try {
            List<DockerfileInfo.Step> steps = df.map(d -> d.steps(Stages.orDefault(judge.stage(), d))).orElse(List.of());
            return engine.history(ref).map(h -> Layers.of(null, h, steps, df.map(DockerfileInfo::file).orElse(""))).orElse(null);
        } catch (NssimgException e) {
            return null; // the size is a report, not a check: smoke's verdict stands without it
        }
    }

    /** What the stage declares, each label with the ARG scope of the stage that declared it. */
    static SmokeChecks.Declared declared(DockerfileInfo df, DockerfileInfo.Stage s) {
        Map<String, java.util.Set<String>> scopes = new LinkedHashMap<>();
        s.labelDecls().forEach((key, decl) -> {
            if (!decl.literalDollar()) {
                df.stageNamed(decl.stage()).ifPresent(at -> scopes.put(key, df.argsInScope(at)));
            }
        });
        return new SmokeChecks.Declared(df.file() + ":" + s.line(), s.entrypoint(), s.user(), s.labels(), scopes);
    }

    /**
     * dockerfileOf: each platform's Dockerfile (the profile's, or its platform-dockerfiles entry), empty when it
     * cannot be read (an image tested away from its checkout). Each platform is judged by its own.
     */
    /**
     * useRecord: judge an image by the Dockerfile and stage its labels record (an image tested by reference); false
     * for one just built, whose Dockerfile and stage are known.
     */
    private static Outcome run(Invocation inv, EngineChoice choice, Request req, Resolved r,
            Function<String, Optional<DockerfileInfo>> dockerfileOf, boolean useRecord) {
        String ref = req.image() != null ? req.image() : "dev".equals(req.target()) ? r.imageDev().value() : r.image().value();
        if (req.image() != null) {
            Validation.imageRef(Located.of(req.image(), "flag --image"), "image");
        }
        if (req.allPlatforms() && !Planner.hasHost(ref)) {
            throw NssimgException.usage("flag --all-platforms: '" + ref + "' is not a registry reference; pass the pushed"
                    + " index with --image REGISTRY/IMAGE:TAG");
        }
        Duration timeout = Duration.ofSeconds(req.timeoutSeconds());
        Engine engine = inv.engine();
        SmokeRunner runner = new SmokeRunner(engine);
        List<ImageTest> tests = imageTests(inv, req.selection());
        ImageTestRunner testRunner = new ImageTestRunner(engine);
        ImageTestRunner.GpuAccess gpu = gpuAccess(engine, choice, inv.env(), tests, req.requireGpu());
        List<Check> checks = new ArrayList<>();
        if (req.allPlatforms()) {
            Imagetools.Index index = new Imagetools(inv.captured()).inspect(ref);
            for (Imagetools.Platform p : index.platforms()) {
                String pinned = Planner.repository(ref) + "@" + p.digest();
                engine.pull(pinned, p.platform());
                Judge judge = judge(inv, req, dockerfileOf, p.platform(), useRecord ? p.facts().labels() : Map.of());
                judge.note(p.platform()).ifPresent(checks::add);
                checks.addAll(runner.smoke(pinned, p.platform(), p.facts(), expect(judge, r, p.platform()), timeout));
                checks.addAll(testRunner.run(pinned, p.platform(), p.platform(), judge.stageName(), p.facts(), tests, gpu, timeout));
            }
            checks.addAll(SmokeChecks.sameProgram(index.platforms().stream()
                    .map(p -> new SmokeChecks.PlatformImage(p.platform(), p.facts())).toList()));
        } else {
            ImageFacts facts = engine.inspectImage(ref)
                    .orElseThrow(() -> choice.missing(inv, ref, Inputs.imageMissing(ref, engine.host(), req.target() == null ? "runtime" : req.target(),
                            req.selection().profile())));
            String platform = req.platform() != null ? req.platform() : facts.platform();
            Judge judge = judge(inv, req, dockerfileOf, platform, useRecord ? facts.labels() : Map.of());
            judge.note(platform).ifPresent(checks::add);
            checks.addAll(runner.smoke(ref, req.platform(), facts, expect(judge, r, platform), timeout));
            checks.addAll(testRunner.run(ref, req.platform(), platform, judge.stageName(), facts, tests, gpu, timeout));
            return new Outcome(ref, checks, layers(engine, ref, judge));
        }
        return new Outcome(ref, checks);
    }

    /** The repository's own checks of the profile's images (its tests:); none without a profiles file. */
    static List<ImageTest> imageTests(Invocation inv, Selection sel) {
        Project project = Project.discover(inv.cwd());
        return Resolver.imageTests(project.profiles(sel.config(), inv.env()), sel.profile(), project.root());
    }

    /**
     * Which Dockerfile and stage judge an image on one platform: --file (with --target, else the recorded stage);
     * else the Dockerfile and stage its labels record (dev.nssimg.*), read at the revision it was built from when that
     * is not HEAD (git show REV:PATH) and the repository has it; else the profile's. note: what a user should know
     * about that choice (a warning row), or null.
     */
    record Judge(Optional<DockerfileInfo> dockerfile, String stage, String note) {
        /** The stage's name in the Dockerfile (its default stage when it has no such stage); null without a Dockerfile. */
        String stageName() {
            return dockerfile.map(d -> Stages.orDefault(stage, d).name()).orElse(null);
        }

        Optional<Check> note(String platform) {
            return note == null ? Optional.empty() : Optional.of(Check.warning(platform, "dockerfile", note));
        }
    }

    static Judge judge(Invocation inv, Request req, Function<String, Optional<DockerfileInfo>> profileFiles, String platform,
            Map<String, String> labels) {
        Project project = Project.discover(inv.cwd());
        String recordedStage = labels.get(Planner.LABEL_STAGE);
        String stage = req.target() != null ? req.target() : recordedStage != null ? recordedStage : "runtime";
        if (req.file() != null) {
            DockerfileInfo df = project.dockerfile(inv.cwd().resolve(req.file()));
            return new Judge(Optional.of(df), checkedStage(df, req.target() != null ? req.target() : recordedStage), null);
        }
        String recorded = labels.get(Planner.LABEL_DOCKERFILE);
        if (recorded == null) {
            Optional<DockerfileInfo> df = profileFiles.apply(platform);
            if (df.isEmpty() && req.target() != null && !req.target().equals("runtime") && !req.target().equals("dev")) {
                throw NssimgException.usage("flag --target: '" + req.target() + "' is not runtime or dev, and no Dockerfile says"
                        + " which stages there are (name one with --file)");
            }
            return new Judge(df, stage, null);
        }
        Path file = project.root().resolve(recorded).normalize();
        if (!file.startsWith(project.root()) || recorded.startsWith("/")) {
            // A label is the image's word, not the checkout's: it never names a file outside the repository.
            return new Judge(Optional.empty(), stage, "its label " + Planner.LABEL_DOCKERFILE + "=" + recorded + " points outside"
                    + " the repository: judged by the spec's list (name a Dockerfile with --file)");
        }
        if (!Files.isRegularFile(file)) {
            return new Judge(Optional.empty(), stage, "built from " + recorded + ", which this checkout does not have: judged by the"
                    + " spec's list (name a Dockerfile with --file)");
        }
        String rev = labels.get(Planner.LABEL_REVISION);
        Optional<String> head = Project.gitRevision(project.root());
        if (rev != null && rev.matches("[0-9a-f]{40}") && head.isPresent() && !rev.equals(head.get())) {
            Captured.Output shown = inv.captured().capture(List.of("git", "-C", project.root().toString(), "show",
                    rev + ":" + recorded), 30);
            if (shown.ok()) {
                DockerfileInfo df = DockerfileInfo.parse(shown.stdout(), recorded + "@" + rev.substring(0, 12));
                return new Judge(Optional.of(df), stage, null);
            }
            return new Judge(Optional.of(project.dockerfile(file)), stage, "built at " + rev.substring(0, 12) + ", which this"
                    + " repository does not have (" + shown.lastErrorLine() + "): judged by the work tree's " + recorded);
        }
        return new Judge(Optional.of(project.dockerfile(file)), stage, null);
    }

    /** A stage asked for by name must be one of the Dockerfile's (null: its default stage). */
    private static String checkedStage(DockerfileInfo df, String stage) {
        if (stage != null && df.stage(stage).isEmpty()) {
            throw NssimgException.usage("flag --target: " + df.file() + " has no stage '" + stage + "' (stages: "
                    + String.join(", ", df.stageNames()) + ")");
        }
        return stage;
    }

    /**
     * What a gpu: true check runs with: the GPU flags run would use (CONTAINER_GPU_FLAG, else all GPUs), or why the
     * engine has none; the engine's own platform, to tell emulated ones. Asks the engine nothing without GPU checks.
     */
    static ImageTestRunner.GpuAccess gpuAccess(Engine engine, EngineChoice choice, Map<String, String> env, List<ImageTest> tests,
            boolean required) {
        boolean any = tests.stream().anyMatch(t -> t.probe() instanceof ImageTest.Command c && c.gpu());
        if (!any) {
            return new ImageTestRunner.GpuAccess(null, "no GPU check", null, required);
        }
        EngineInfo info = engine.info();
        String nativePlatform = info.os() + "/" + info.arch();
        try {
            Gpus.Ask ask = Gpus.fromEnv(env.get("CONTAINER_GPU_FLAG"));
            if (ask.none()) {
                return new ImageTestRunner.GpuAccess(null, "CONTAINER_GPU_FLAG asks for no GPUs", nativePlatform, required);
            }
            return new ImageTestRunner.GpuAccess(Runs.gpuRequest(engine, ask, choice), null, nativePlatform, required);
        } catch (NssimgException e) {
            if (e.exitCode() != ExitCode.ENVIRONMENT) {
                throw e;
            }
            return new ImageTestRunner.GpuAccess(null, "no GPU on this engine: " + e.getMessage(), nativePlatform, required);
        }
    }

    /**
     * What the judging Dockerfile declares for the stage (and the profile's values for that platform, such as the
     * arm64 SM list, which show in that platform's labels only). A Dockerfile without a stage of that name (another
     * platform's file, say) is judged by the stage it builds by default; no readable Dockerfile, by the spec's lists.
     */
    private static SmokeChecks.Expect expect(Judge judge, Resolved r, String platform) {
        Optional<DockerfileInfo> df = judge.dockerfile();
        Optional<DockerfileInfo.Stage> stage = df.map(d -> Stages.orDefault(judge.stage(), d));
        Map<String, Located<String>> defaults = df.map(d -> Stages.defaults(d, stage.get())).orElse(Map.of());
        SmokeChecks.Declared declared = stage.map(s -> declared(df.get(), s)).orElse(null);
        Map<String, String> args = new LinkedHashMap<>();
        r.effectiveArgs(defaults, platform).forEach((k, v) -> args.put(k, v.value()));
        return new SmokeChecks.Expect(stage.map(DockerfileInfo.Stage::name).orElse(judge.stage()), declared, args);
    }
}
