package dev.nssimg.app;

import dev.nssimg.dockerfile.DockerfileInfo;
import dev.nssimg.dockerfile.Instruction;
import dev.nssimg.error.ExitCode;
import dev.nssimg.lint.BuildkitChecks;
import dev.nssimg.lint.ContextSources;
import dev.nssimg.lint.Engine;
import dev.nssimg.lint.Finding;
import dev.nssimg.lint.IgnoreRules;
import dev.nssimg.lint.Lint;
import dev.nssimg.lint.Severity;
import dev.nssimg.plan.ArgForms;
import dev.nssimg.plan.Stages;
import dev.nssimg.profile.Overrides;
import dev.nssimg.profile.Resolved;
import dev.nssimg.runtime.Captured;
import dev.nssimg.runtime.Invocation;
import dev.nssimg.workspace.Pyproject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * `nssimg check`: the Dockerfile lint, for the engine that will build; where buildx has BuildKit's own build checks
 * (--call check), their findings too.
 */
public final class Checks {
    /** The stages the spec's Makefile targets, besides --target: a build of either is expected. */
    static final Set<String> MAKE_TARGETS = Set.of("runtime", "dev");

    private Checks() {}

    /** file: --file, or null for the profile's. target: null for the default stage. buildkit: also ask BuildKit. */
    public record Request(Selection selection, String file, String target, boolean buildkit) {}

    /** buildkit: what became of BuildKit's own checks ("ran", or why not). */
    public record Outcome(String dockerfile, List<Finding> findings, String buildkit) {
        public Outcome {
            findings = List.copyOf(findings);
        }

        public ExitCode exitCode() {
            return Lint.hasErrors(findings) ? ExitCode.FAILED : ExitCode.OK;
        }
    }

    public static Outcome run(Invocation inv, Request req) {
        Overrides flags = new Overrides(null, null, null, null, null, Inputs.flag(req.file(), "--file"), null, Map.of(), null,
                null, null);
        Inputs in = Inputs.load(inv, req.selection(), flags);
        Resolved r = in.resolved();
        DockerfileInfo df = in.project().dockerfile(r.dockerfile().value());
        EngineChoice engine = EngineChoice.resolve(inv.env(), req.selection().engine(), r.engine());
        List<Finding> findings = new ArrayList<>(lint(df, req.target(), engine, r.dockerfile().value(), r.context().value(),
                in.runner().buildTargets()));
        // The values the build would pass, checked as the build checks them (plan.ArgForms): an error here is one there.
        DockerfileInfo.Stage stage = Stages.orDefault(req.target(), df);
        Set<String> said = new java.util.HashSet<>();
        // Each context's pyproject read once (platforms usually share one).
        Map<java.nio.file.Path, Set<String>> extras = new java.util.HashMap<>();
        java.util.function.Function<java.nio.file.Path, Set<String>> extrasOf = dir -> extras.computeIfAbsent(dir, Pyproject::extras);
        findings.addAll(extrasNotInPyproject(df, extrasOf.apply(r.context().value())));
        for (String p : r.everyPlatform()) {
            List<ArgForms.Problem> problems = new ArrayList<>(ArgForms.problems(df, Stages.defaults(df, stage), r.argsFor(p)));
            problems.addAll(ArgForms.extraProblems(df, r.argsFor(p), extrasOf.apply(r.contextFor(p).value())));
            for (ArgForms.Problem pr : problems) {
                if (said.add(pr.message())) {
                    findings.add(new Finding(df.file(), pr.line(), "arg-value", Severity.ERROR, pr.message()));
                }
            }
        }
        String buildkit = "not asked (--no-buildkit)";
        if (req.buildkit() && engine.podman()) {
            buildkit = "not run: podman builds (buildah), not BuildKit";
        } else if (req.buildkit()) {
            Captured cli = inv.captured();
            Captured.Output help = cli.capture(List.of("docker", "buildx", "build", "--help"), 30);
            if (!help.ok()) {
                buildkit = "not run: docker buildx is not available (" + help.lastErrorLine() + ")";
            } else if (!BuildkitChecks.available(help.stdout())) {
                buildkit = "not run: this buildx has no --call (BuildKit's build checks came with buildx 0.15)";
            } else {
                Map<String, String> args = new LinkedHashMap<>();
                r.argsFor(r.platform().value()).forEach((k, v) -> {
                    if (df.declaredArgs().contains(k)) {
                        args.put(k, v.value());
                    }
                });
                Map<String, String> contexts = new LinkedHashMap<>();
                r.contexts().forEach((name, where) -> contexts.put(name, String.valueOf(where.value())));
                Captured.Output out = cli.capture(BuildkitChecks.argv(r.builder() == null ? null : r.builder().value(),
                        r.dockerfile().value().toString(), r.context().value().toString(), req.target(), r.platform().value(),
                        contexts, args), 300);
                try {
                    findings.addAll(BuildkitChecks.parse(out.stdout(), df.file(), Engine.BUILDKIT));
                    buildkit = "ran";
                } catch (IOException e) {
                    buildkit = "failed: " + out.lastErrorLine();
                }
            }
        }
        findings.sort(Comparator.comparingInt(Finding::line));
        return new Outcome(df.file(), findings, buildkit);
    }

    /**
     * The lint a build runs first (pure): errors stop it, the rest is printed. A finding is an error for the engine
     * that builds (BuildKit for docker, buildah for podman).
     */
    private static final java.util.regex.Pattern PIP_EXTRAS = java.util.regex.Pattern.compile("\\.\\[([A-Za-z0-9_.,\\-]+)]");
    private static final java.util.regex.Pattern UV_EXTRA = java.util.regex.Pattern.compile("--extra(?:=|\\s+)[\"']?([A-Za-z0-9_.\\-]+)");

    /**
     * Python extras a RUN installs by name that the project's pyproject.toml does not have: {@code uv sync --extra X}
     * fails on one (an error); pip only warns for {@code .[X]} (a note, such as upstream's DGX Spark file's
     * cuda-aarch64). extras null: no pyproject nssimg can read, nothing to say.
     */
    static List<Finding> extrasNotInPyproject(DockerfileInfo df, Set<String> extras) {
        List<Finding> out = new ArrayList<>();
        if (extras == null) {
            return out;
        }
        for (DockerfileInfo.Stage s : df.stages()) {
            for (Instruction ins : s.instructions()) {
                if (!ins.keyword().equals("RUN")) {
                    continue;
                }
                java.util.regex.Matcher pip = PIP_EXTRAS.matcher(ins.rest());
                while (pip.find()) {
                    for (String x : pip.group(1).split(",")) {
                        if (!x.isBlank() && !extras.contains(x.strip())) {
                            out.add(new Finding(df.file(), ins.line(), "python-extra", Severity.NOTE, "extra "
                                    + x.strip() + " is not in the project's pyproject.toml (" + String.join(", ", extras)
                                    + "); pip installs without it, with a warning"));
                        }
                    }
                }
                java.util.regex.Matcher uv = UV_EXTRA.matcher(ins.rest());
                while (uv.find()) {
                    if (!extras.contains(uv.group(1))) {
                        out.add(new Finding(df.file(), ins.line(), "python-extra", Severity.ERROR, "extra "
                                + uv.group(1) + " is not in the project's pyproject.toml (" + String.join(", ", extras)
                                + "); uv sync --extra fails on it"));
                    }
                }
            }
        }
        return out;
    }

    /**
     * The lint of df built at target (null: its default stage), from context with the Dockerfile at file: the
     * Dockerfile's own findings, then its COPY/ADD sources against the context as the engine sends it (its ignore
     * file applied). runnerTargets: stages the repository's task runner builds with --target (not "unused").
     */
    public static List<Finding> lint(DockerfileInfo df, String target, EngineChoice engine, Path file, Path context,
            Set<String> runnerTargets) {
        Set<String> targeted = new java.util.HashSet<>(MAKE_TARGETS);
        targeted.addAll(runnerTargets);
        List<Finding> out = new ArrayList<>(Lint.check(df, new Lint.Scope(target, targeted,
                engine.podman() ? Engine.BUILDAH : Engine.BUILDKIT)));
        if (Files.isDirectory(context)) {
            try {
                IgnoreRules ignore = ContextSources.ignoreFile(file, context, engine.podman());
                out.addAll(ContextSources.check(df, target, new ContextSources.Context(context, ignore)));
            } catch (IOException | RuntimeException e) {
                // an unreadable ignore file or context: BuildKit will say; the lint never stops a build for its own sake
            }
        }
        out.sort(Comparator.comparingInt(Finding::line));
        return out;
    }
}
