package dev.nssimg.app;

import dev.nssimg.buildx.Imagetools;
import dev.nssimg.dockerfile.DockerfileInfo;
import dev.nssimg.engine.Engine;
import dev.nssimg.engine.EngineInfo;
import dev.nssimg.engine.ImageFacts;
import dev.nssimg.error.ExitCode;
import dev.nssimg.error.NssimgException;
import dev.nssimg.plan.Gpus;
import dev.nssimg.plan.Layers;
import dev.nssimg.plan.Planner;
import dev.nssimg.plan.Stages;
import dev.nssimg.profile.Located;
import dev.nssimg.profile.Overrides;
import dev.nssimg.profile.ImageTest;
import dev.nssimg.profile.Resolved;
import dev.nssimg.profile.Resolver;
import dev.nssimg.profile.Validation;
import dev.nssimg.smoke.Check;
import dev.nssimg.workspace.Project;
import dev.nssimg.smoke.SmokeChecks;
import dev.nssimg.smoke.ImageTestRunner;
import dev.nssimg.smoke.SmokeRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** `nssimg smoke`: run an image's checks on the engine (every platform of a pushed index with allPlatforms). */
public final class Smokes {
    private Smokes() {}

    /** image null: the profile's image of target. platform null: the image's own. */
    /** requireGpu: a GPU check that cannot run here fails instead of being reported as not run. */
    public record Request(Selection selection, String target, String image, String platform, boolean allPlatforms,
            long timeoutSeconds, boolean requireGpu) {
        public Request(Selection selection, String target, String image, String platform, boolean allPlatforms,
                long timeoutSeconds) {
            this(selection, target, image, platform, allPlatforms, timeoutSeconds, false);
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
        Request req = new Request(asked.selection(), asked.target().toLowerCase(java.util.Locale.ROOT), asked.image(),
                asked.platform(), asked.allPlatforms(), asked.timeoutSeconds(), asked.requireGpu()); // stage names compare as BuildKit's do
        if (!req.target().equals("runtime") && !req.target().equals("dev")) {
            throw NssimgException.usage("flag --target: '" + asked.target() + "' is not runtime or dev");
        }
        if (req.timeoutSeconds() < 1) {
            throw NssimgException.usage("flag --timeout: must be at least 1 second");
        }
        Inputs in = Inputs.load(inv, req.selection(), Overrides.platformOnly(Inputs.flag(req.platform(), "--platform")));
        EngineChoice engine = EngineChoice.resolve(inv.env(), req.selection().engine(), in.resolved().engine());
        return run(engine.apply(inv), engine, req, in.resolved(), in::readableDockerfile);
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
        Request req = new Request(built.request().selection(), built.plan().target(), ref, null, all, timeoutSeconds, requireGpu);
        String context = all ? null : built.plan().builds().stream()
                .map(c -> c instanceof dev.nssimg.plan.Build b ? b.flags().dockerContext() : null)
                .filter(java.util.Objects::nonNull).findFirst().orElse(null);
        if (context == null) {
            return run(inv, built.engine(), req, built.resolved(), p -> Optional.of(built.dockerfile(p)));
        }
        // Built and loaded on a docker context's engine: the image is there, so the smoke runs there.
        Map<String, String> env = new java.util.HashMap<>(inv.env());
        env.put("DOCKER_HOST", Builds.engines(inv, built.resolved()).get(context));
        env.remove("DOCKER_CONTEXT");
        try (Engines there = Engines.connecting()) {
            Invocation on = new Invocation(env, inv.cwd(), inv.out(), inv.err(), inv.launcher(), there, inv.cleanup(), inv.log(),
                    inv.turns());
            return run(on, built.engine(), req, built.resolved(), p -> Optional.of(built.dockerfile(p)));
        }
    }

    /** The image's layers matched to the lines of the stage it was built from; null when the engine gives no history. */
    private static Layers.Report layers(Engine engine, String ref, Request req, Optional<DockerfileInfo> df) {
        try {
            List<DockerfileInfo.Step> steps = df.map(d -> d.steps(d.stage(req.target()).orElse(d.defaultStage()))).orElse(List.of());
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
    private static Outcome run(Invocation inv, EngineChoice choice, Request req, Resolved r,
            Function<String, Optional<DockerfileInfo>> dockerfileOf) {
        String ref = req.image() != null ? req.image() : req.target().equals("dev") ? r.imageDev().value() : r.image().value();
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
            Imagetools.Index index = new Imagetools(inv.dockerCli()).inspect(ref);
            for (Imagetools.Platform p : index.platforms()) {
                String pinned = Planner.repository(ref) + "@" + p.digest();
                engine.pull(pinned, p.platform());
                checks.addAll(runner.smoke(pinned, p.platform(), p.facts(), expect(req, r, dockerfileOf, p.platform()), timeout));
                checks.addAll(testRunner.run(pinned, p.platform(), p.platform(), stageOf(req, dockerfileOf, p.platform()), p.facts(),
                        tests, gpu, timeout));
            }
            checks.addAll(SmokeChecks.sameProgram(index.platforms().stream()
                    .map(p -> new SmokeChecks.PlatformImage(p.platform(), p.facts())).toList()));
        } else {
            ImageFacts facts = engine.inspectImage(ref)
                    .orElseThrow(() -> choice.missing(inv, ref, Inputs.imageMissing(ref, engine.host(), req.target(),
                            req.selection().profile())));
            String platform = req.platform() != null ? req.platform() : facts.platform();
            checks.addAll(runner.smoke(ref, req.platform(), facts, expect(req, r, dockerfileOf, platform), timeout));
            checks.addAll(testRunner.run(ref, req.platform(), platform, stageOf(req, dockerfileOf, platform), facts, tests, gpu,
                    timeout));
            return new Outcome(ref, checks, layers(engine, ref, req, dockerfileOf.apply(platform)));
        }
        return new Outcome(ref, checks);
    }

    /** The repository's own checks of the profile's images (its tests:); none without a profiles file. */
    static List<ImageTest> imageTests(Invocation inv, Selection sel) {
        Project project = Project.discover(inv.cwd());
        return Resolver.imageTests(project.profiles(sel.config(), inv.env()), sel.profile(), project.root());
    }

    /** The stage an image was built from, as the platform's Dockerfile names it (null: no Dockerfile to ask). */
    private static String stageOf(Request req, Function<String, Optional<DockerfileInfo>> dockerfileOf, String platform) {
        return dockerfileOf.apply(platform).map(d -> Stages.orDefault(req.target(), d).name()).orElse(null);
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
     * What the platform's own Dockerfile declares for the stage (and the profile's values for that platform, such as
     * the arm64 SM list, which show in that platform's labels only). A Dockerfile without a stage of that name (another
     * platform's file, say) is judged by the stage it builds by default; no readable Dockerfile, by the spec's lists.
     */
    private static SmokeChecks.Expect expect(Request req, Resolved r, Function<String, Optional<DockerfileInfo>> dockerfileOf,
            String platform) {
        Optional<DockerfileInfo> df = dockerfileOf.apply(platform);
        Optional<DockerfileInfo.Stage> stage = df.map(d -> Stages.orDefault(req.target(), d));
        Map<String, Located<String>> defaults = df.map(d -> Stages.defaults(d, stage.get())).orElse(Map.of());
        SmokeChecks.Declared declared = stage.map(s -> declared(df.get(), s)).orElse(null);
        Map<String, String> args = new LinkedHashMap<>();
        r.effectiveArgs(defaults, platform).forEach((k, v) -> args.put(k, v.value()));
        return new SmokeChecks.Expect(req.target(), declared, args);
    }
}
