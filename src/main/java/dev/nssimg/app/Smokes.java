package dev.nssimg.app;

import dev.nssimg.buildx.Imagetools;
import dev.nssimg.dockerfile.DockerfileInfo;
import dev.nssimg.engine.Engine;
import dev.nssimg.engine.ImageFacts;
import dev.nssimg.error.ExitCode;
import dev.nssimg.error.NssimgException;
import dev.nssimg.plan.Planner;
import dev.nssimg.plan.Stages;
import dev.nssimg.profile.Located;
import dev.nssimg.profile.Overrides;
import dev.nssimg.profile.Resolved;
import dev.nssimg.profile.Validation;
import dev.nssimg.smoke.Check;
import dev.nssimg.smoke.SmokeChecks;
import dev.nssimg.smoke.SmokeRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** `nssimg smoke`: run an image's checks on the engine (every platform of a pushed index with allPlatforms). */
public final class Smokes {
    private Smokes() {}

    /** image null: the profile's image of target. platform null: the image's own. */
    public record Request(Selection selection, String target, String image, String platform, boolean allPlatforms,
            long timeoutSeconds) {}

    /** The image tested and every check's outcome. */
    public record Outcome(String image, List<Check> checks) {
        public Outcome {
            checks = List.copyOf(checks);
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
                asked.platform(), asked.allPlatforms(), asked.timeoutSeconds()); // stage names compare as BuildKit's do
        if (!req.target().equals("runtime") && !req.target().equals("dev")) {
            throw NssimgException.usage("flag --target: '" + asked.target() + "' is not runtime or dev");
        }
        if (req.timeoutSeconds() < 1) {
            throw NssimgException.usage("flag --timeout: must be at least 1 second");
        }
        Inputs in = Inputs.load(inv, req.selection(), Overrides.platformOnly(Inputs.flag(req.platform(), "--platform")));
        return run(inv, req, in.resolved(), in.readableDockerfile());
    }

    /** The smoke of an image just built (build --smoke): its stage, its profile and Dockerfile, not read again. */
    public static Outcome afterBuild(Invocation inv, Builds.Planned built, long timeoutSeconds) {
        boolean all = built.plan().push() && built.plan().platforms().size() > 1;
        return run(inv, new Request(built.request().selection(), built.plan().target(), built.plan().tags().get(0), null, all,
                timeoutSeconds), built.resolved(), Optional.of(built.dockerfile()));
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

    /** df: the profile's Dockerfile, empty when it cannot be read (an image tested away from its checkout). */
    private static Outcome run(Invocation inv, Request req, Resolved r, Optional<DockerfileInfo> df) {
        String ref = req.image() != null ? req.image() : req.target().equals("dev") ? r.imageDev().value() : r.image().value();
        if (req.image() != null) {
            Validation.imageRef(Located.of(req.image(), "flag --image"), "image");
        }
        if (req.allPlatforms() && !Planner.hasHost(ref)) {
            throw NssimgException.usage("flag --all-platforms: '" + ref + "' is not a registry reference; pass the pushed"
                    + " index with --image REGISTRY/IMAGE:TAG");
        }
        Optional<DockerfileInfo.Stage> stage = df.flatMap(d -> d.stage(req.target()));
        Map<String, Located<String>> defaults = df.map(d -> Stages.defaults(d, Stages.of(req.target(), d)))
                .orElse(Map.of());
        SmokeChecks.Declared declared = stage.map(s -> declared(df.get(), s)).orElse(null);
        // Per platform: a profile's platform-args (the arm64 SM list) show in that platform's labels only.
        java.util.function.Function<String, SmokeChecks.Expect> expect = platform -> {
            Map<String, String> args = new LinkedHashMap<>();
            r.effectiveArgs(defaults, platform).forEach((k, v) -> args.put(k, v.value()));
            return new SmokeChecks.Expect(req.target(), declared, args);
        };
        Duration timeout = Duration.ofSeconds(req.timeoutSeconds());
        Engine engine = inv.engine();
        SmokeRunner runner = new SmokeRunner(engine);
        List<Check> checks = new ArrayList<>();
        if (req.allPlatforms()) {
            Imagetools.Index index = new Imagetools(inv.dockerCli()).inspect(ref);
            for (Imagetools.Platform p : index.platforms()) {
                String pinned = Planner.repository(ref) + "@" + p.digest();
                engine.pull(pinned, p.platform());
                checks.addAll(runner.smoke(pinned, p.platform(), p.facts(), expect.apply(p.platform()), timeout));
            }
        } else {
            ImageFacts facts = engine.inspectImage(ref)
                    .orElseThrow(() -> Inputs.imageMissing(ref, engine.host(), req.target(), req.selection().profile()));
            checks.addAll(runner.smoke(ref, req.platform(), facts,
                    expect.apply(req.platform() != null ? req.platform() : facts.platform()), timeout));
        }
        return new Outcome(ref, checks);
    }
}
