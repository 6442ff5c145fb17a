package dev.nssimg.plan;

import dev.nssimg.dockerfile.DockerfileInfo;
import dev.nssimg.error.NssimgException;
import dev.nssimg.profile.BuildArgs;
import dev.nssimg.profile.Located;
import dev.nssimg.profile.Overrides;
import dev.nssimg.profile.Resolved;
import dev.nssimg.profile.Validation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns a request and a resolved profile into the docker commands to run. Pure: no I/O. */
public final class Planner {
    public static final String LABEL_CREATED = "org.opencontainers.image.created";
    public static final String LABEL_REVISION = "org.opencontainers.image.revision";

    private Planner() {}

    public static BuildPlan plan(BuildRequest asked, Resolved r, DockerfileInfo df, BuildFacts facts) {
        List<String> warnings = new ArrayList<>();
        DockerfileInfo.Stage stage = Stages.of(asked.target(), df);
        BuildRequest req = asked.withTarget(stage.name()); // from here on: the stage's own name
        req.secrets().forEach(Planner::secretParts);
        List<String> platforms = req.multiarch() ? r.platforms().value() : List.of(r.platform().value());
        boolean multi = platforms.size() > 1;
        Map<String, Located<String>> dockerfileDefaults = Stages.defaults(df, stage);
        for (String p : platforms) {
            Validation.effectiveArgs(r.effectiveArgs(dockerfileDefaults, p));
        }
        checkDeclared(r, df, platforms, req.strict(), warnings);

        if (multi && req.output() == BuildRequest.Output.LOAD) {
            throw NssimgException.usage("flag --load: a multi-platform image cannot be loaded into the engine; it is pushed (drop --load)");
        }
        boolean push = multi || req.output() == BuildRequest.Output.PUSH;
        if ((req.multiarch() || push) && !r.hasRegistry() && !tagsQualified(req.tags())) {
            String list = r.platforms().origin();
            String why = !req.multiarch() ? "flag --push"
                    : list.startsWith("flag --platform") || list.equals(Overrides.PLATFORM_ENV)
                            ? list + " (several platforms)" : "flag --multiarch";
            throw NssimgException.usage(why + " needs a registry: pass --registry REGISTRY or set CONTAINER_GPU_REGISTRY"
                    + " (e.g. ghcr.io/nvidia-nemo)");
        }
        List<String> tags = tags(req, r);
        if (req.tags().isEmpty() && !req.target().equals("runtime") && !req.target().equals("dev")) {
            warnings.add("stage " + req.target() + " of " + df.file() + " is tagged " + String.join(", ", tags)
                    + ", the profile's runtime image; pass --tag to name it");
        }

        BuildRequest.Strategy strategy = BuildRequest.Strategy.SINGLE;
        if (multi) {
            boolean differ = platforms.stream().map(p -> sortedArgs(r.argsFor(p))).distinct().count() > 1
                    || platforms.stream().map(p -> String.valueOf(value(r.builderFor(p)))).distinct().count() > 1;
            strategy = req.strategy() == BuildRequest.Strategy.AUTO
                    ? (differ ? BuildRequest.Strategy.SPLIT : BuildRequest.Strategy.SINGLE)
                    : req.strategy();
            if (strategy == BuildRequest.Strategy.SINGLE && differ) {
                warnings.add("--strategy single shares one set of build args and one builder across "
                        + String.join(", ", platforms) + "; per-platform values (platform-args, platform-builders) are ignored");
            }
        } else if (req.strategy() == BuildRequest.Strategy.SPLIT) {
            throw NssimgException.usage("flag --strategy: split needs --multiarch (several platforms)");
        }

        List<Command> commands = new ArrayList<>();
        if (strategy == BuildRequest.Strategy.SPLIT) {
            String repo = repository(tags.get(0));
            boolean byDigest = req.pushByDigest() != null ? req.pushByDigest()
                    : r.builder() != null || !r.platformBuilders().isEmpty();
            for (String p : platforms) {
                String arch = p.substring(p.indexOf('/') + 1).replace('/', '-');
                BuildFlags flags = flags(req, r, df, facts, p, r.argsFor(p), r.builderFor(p));
                Path meta = metadataFile(req, r, p);
                if (byDigest) {
                    // Builders other than the docker driver push a platform by digest: no tag at all until the index.
                    commands.add(build(r, facts, List.of(p), flags, List.of(), Build.Output.pushByDigest(repo), meta));
                } else {
                    // The docker driver cannot push by digest. Each platform is built into the engine (--load)
                    // and then pushed as TAG-ARCH (only blobs the registry lacks travel), as soon as its own build
                    // is done; phase 2 joins them into TAG once every platform succeeded.
                    String archTag = archTag(tags.get(0), arch);
                    commands.add(build(r, facts, List.of(p), flags, List.of(archTag), Build.Output.LOAD, meta));
                    commands.add(new Push(p, archTag));
                }
            }
            commands.add(new Manifest(byDigest ? 1 : 2, value(r.builder()), tags, repo, platforms));
        } else {
            Map<String, Located<String>> args = multi ? r.sharedArgs() : r.argsFor(platforms.get(0));
            BuildFlags flags = flags(req, r, df, facts, platforms.get(0), args, multi ? r.builder() : r.builderFor(platforms.get(0)));
            Path meta = metadataFile(req, r, String.join("+", platforms));
            commands.add(build(r, facts, platforms, flags, tags, push ? Build.Output.PUSH : Build.Output.LOAD, meta));
        }
        return new BuildPlan(req.target(), platforms, strategy, tags, push, commands, warnings);
    }

    /**
     * Where buildx writes what it built (the digest), per profile, target and platform(s), in the project's state
     * directory (BuildRequest.workDir, outside the work tree): a CI matrix building two profiles at once in one
     * checkout reads two files. Two builds of the same name take turns (TurnLock).
     */
    private static Path metadataFile(BuildRequest req, Resolved r, String platforms) {
        return req.workDir().resolve("metadata-" + r.profile() + "-" + req.target() + "-" + platforms.replace('/', '-') + ".json");
    }

    /** The flags of a build of platforms whose first is platform (the cache refs name its arch). */
    private static BuildFlags flags(BuildRequest req, Resolved r, DockerfileInfo df, BuildFacts facts, String platform,
            Map<String, Located<String>> args, Located<String> builder) {
        // Profile arguments reach only Dockerfiles that declare them (one profile serves several
        // Dockerfiles); --build-arg flags are always passed (and warned about when undeclared).
        Set<String> declared = df.declaredArgs();
        Map<String, String> buildArgs = new LinkedHashMap<>();
        args.entrySet().stream()
                .filter(e -> declared.contains(e.getKey()) || BuildArgs.BUILTIN.contains(e.getKey())
                        || r.overrideArgs().containsKey(e.getKey()))
                .sorted(Comparator.comparing((Map.Entry<String, Located<String>> e) -> BuildArgs.order(e.getKey()))
                        .thenComparing(Map.Entry::getKey))
                .forEach(e -> buildArgs.put(e.getKey(), e.getValue().value()));
        Map<String, String> contexts = new LinkedHashMap<>();
        r.contexts().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> contexts.put(e.getKey(), Resolved.localContext(e.getValue().value())
                        .map(dir -> rel(facts.cwd(), dir)).orElse(e.getValue().value())));
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL_CREATED, facts.created());
        if (facts.gitRevision() != null) {
            labels.put(LABEL_REVISION, facts.gitRevision());
        }
        String arch = platform.substring(platform.indexOf('/') + 1);
        String repo = r.hasRegistry() || tagsQualified(req.tags()) ? repository(tags(req, r).get(0)) : null;
        // As BuildKit: without --target the last stage is built, so asking for it sends none.
        String target = req.target().equals(df.defaultStage().name()) ? null : req.target();
        return new BuildFlags(value(builder), rel(facts.cwd(), r.dockerfile().value()), target, buildArgs, contexts,
                labels, req.secrets(), r.cacheFrom() == null ? null : cacheSpec(r.cacheFrom(), repo, arch, false),
                r.cacheTo() == null ? null : cacheSpec(r.cacheTo(), repo, arch, true), req.noCache(), req.pull(), req.progress());
    }

    /**
     * The same single-platform --load build for the classic `docker build` with BuildKit enabled, for engines
     * without the buildx plugin. Returns null when the command needs buildx (named contexts, cache export, a
     * builder), or is not a build.
     */
    public static Command classic(Command c) {
        return c instanceof Build b ? b.classic().orElse(null) : null;
    }

    private static Build build(Resolved r, BuildFacts facts, List<String> platforms, BuildFlags flags, List<String> tags,
            Build.Output output, Path meta) {
        return new Build(Build.Tool.BUILDX, platforms, flags, tags, output, meta, rel(facts.cwd(), meta),
                rel(facts.cwd(), r.context().value()));
    }

    /** The per-architecture tag a staged split build pushes: nss-gpu:latest -> nss-gpu:latest-arm64. */
    static String archTag(String tag, String arch) {
        String repo = repository(tag);
        String t = tag.length() > repo.length() + 1 && tag.charAt(repo.length()) == ':' ? tag.substring(repo.length() + 1) : "latest";
        int at = t.indexOf('@');
        return repo + ":" + (at >= 0 ? t.substring(0, at) : t) + "-" + arch;
    }

    /** Tags: --tag flags, else the profile's image for the target; prefixed by the registry when one is set. */
    static List<String> tags(BuildRequest req, Resolved r) {
        List<String> base = req.tags().isEmpty()
                ? List.of(req.target().equals("dev") ? r.imageDev().value() : r.image().value())
                : req.tags();
        Set<String> out = new LinkedHashSet<>();
        for (String t : base) {
            Validation.imageRef(Located.of(t, req.tags().isEmpty() ? "image" : "flag --tag"), "tag");
            out.add(r.hasRegistry() && !hasHost(t) ? r.registry().value() + "/" + t : t);
        }
        return List.copyOf(out);
    }

    /** Cache refs: "REF" means a registry cache; {image} is the repository, {arch} the platform's arch. */
    static String cacheSpec(Located<String> spec, String repo, String arch, boolean to) {
        String s = spec.value();
        if (s.contains("{image}")) {
            if (repo == null) {
                throw NssimgException.usage(spec.origin() + ": cache ref uses {image}, which needs a registry (--registry)");
            }
            s = s.replace("{image}", repo);
        }
        s = s.replace("{arch}", arch);
        if (!s.contains("type=") && !s.contains("=")) {
            s = "type=registry,ref=" + s + (to ? ",mode=max" : "");
        }
        return s;
    }

    /** The repository of a tag: everything before the tag or digest. */
    public static String repository(String ref) {
        String r = ref;
        int at = r.indexOf('@');
        if (at >= 0) {
            r = r.substring(0, at);
        }
        int slash = r.lastIndexOf('/');
        int colon = r.lastIndexOf(':');
        return colon > slash ? r.substring(0, colon) : r;
    }

    public static boolean hasHost(String ref) {
        int slash = ref.indexOf('/');
        if (slash < 0) {
            return false;
        }
        String first = ref.substring(0, slash);
        return first.contains(".") || first.contains(":") || first.equals("localhost");
    }

    private static boolean tagsQualified(List<String> tags) {
        return !tags.isEmpty() && tags.stream().allMatch(Planner::hasHost);
    }

    private static String sortedArgs(Map<String, Located<String>> args) {
        StringBuilder sb = new StringBuilder();
        args.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> sb.append(e.getKey()).append('=').append(e.getValue().value()).append('\n'));
        return sb.toString();
    }

    /**
     * Build arguments the Dockerfile does not declare: a --build-arg flag is passed anyway and a profile's value is
     * not (one profiles file serves several Dockerfiles); either is a warning, and an error with --strict.
     */
    private static void checkDeclared(Resolved r, DockerfileInfo df, List<String> platforms, boolean strict, List<String> warnings) {
        Set<String> declared = df.declaredArgs();
        Map<String, Located<String>> given = new LinkedHashMap<>();
        platforms.forEach(p -> given.putAll(r.argsFor(p)));
        for (var e : given.entrySet()) {
            if (!declared.contains(e.getKey()) && !BuildArgs.BUILTIN.contains(e.getKey())) {
                boolean flag = r.overrideArgs().containsKey(e.getKey());
                String msg = e.getValue().origin() + ": build argument " + e.getKey() + " is not declared in " + df.file()
                        + (flag ? "" : "; not passed");
                if (strict) {
                    throw NssimgException.usage(msg + " (--strict)");
                }
                warnings.add(msg);
            }
        }
    }

    /** A --secret value's parts (id, env, src, ...), checked for form; the value itself is never in it. */
    public static Map<String, String> secretParts(String spec) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw NssimgException.usage("flag --secret: expected id=NAME,env=VAR or id=NAME,src=FILE, got a part without '=': '"
                        + part.replaceAll(".", "*") + "'");
            }
            kv.put(part.substring(0, eq), part.substring(eq + 1));
        }
        if (!kv.containsKey("id") || kv.get("id").isEmpty()) {
            throw NssimgException.usage("flag --secret: id=NAME is required (e.g. --secret id=hf_token,env=HF_TOKEN)");
        }
        for (String k : kv.keySet()) {
            if (!Set.of("id", "env", "src", "source", "type").contains(k)) {
                throw NssimgException.usage("flag --secret: unknown key '" + k + "' (use id, env, src or type); secret values are never passed on the command line");
            }
        }
        return kv;
    }

    private static <T> T value(Located<T> l) {
        return l == null ? null : l.value();
    }

    static String rel(Path cwd, Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path base = cwd.toAbsolutePath().normalize();
        if (abs.equals(base)) {
            return ".";
        }
        if (abs.startsWith(base)) {
            return base.relativize(abs).toString();
        }
        return abs.toString();
    }
}
