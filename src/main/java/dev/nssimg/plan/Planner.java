package dev.nssimg.plan;

import dev.nssimg.dockerfile.DockerfileInfo;
import dev.nssimg.dockerfile.LabelValues;
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
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns a request and a resolved profile into the docker commands to run. Pure: no I/O. */
public final class Planner {
    public static final String LABEL_CREATED = "org.opencontainers.image.created";
    public static final String LABEL_REVISION = "org.opencontainers.image.revision";
    /**
     * Where an image came from, recorded by nssimg (deterministic, so reproducible builds stay reproducible): the
     * Dockerfile's path relative to the repository root, the stage built, and the profile. smoke and inspect read them
     * to judge an image by its own Dockerfile.
     */
    public static final String LABEL_DOCKERFILE = "dev.nssimg.dockerfile";
    public static final String LABEL_STAGE = "dev.nssimg.stage";
    public static final String LABEL_PROFILE = "dev.nssimg.profile";
    public static final String LABEL_VERSION = "org.opencontainers.image.version";
    /** The OCI labels that are also set as annotations of the index and of each manifest (registries show those). */
    public static final List<String> ANNOTATED = List.of("title", "description", "source", "licenses", "revision", "created",
            "version");
    /** Provenance when a build pushes and neither a flag nor the profile says: every build step, for the published image. */
    public static final String DEFAULT_PROVENANCE = "mode=max";

    private Planner() {}

    /** A plan whose platforms all build df (tests, and profiles without platform-dockerfiles). */
    public static BuildPlan plan(BuildRequest asked, Resolved r, DockerfileInfo df, BuildFacts facts) {
        return plan(asked, r, p -> df, facts);
    }

    /**
     * dockerfileOf: the parsed Dockerfile of each platform (Resolved.dockerfileFor), read by the caller. The target
     * and the build arguments are checked against each platform's own Dockerfile.
     */
    public static BuildPlan plan(BuildRequest asked, Resolved r, Function<String, DockerfileInfo> dockerfileOf, BuildFacts facts) {
        List<String> warnings = new ArrayList<>();
        List<String> platforms = asked.multiarch() ? r.platforms().value() : List.of(r.platform().value());
        boolean multi = platforms.size() > 1;
        // Each platform's stage, found in its own Dockerfile; the first platform's names the plan's target (and tags).
        Map<String, DockerfileInfo> dfs = new LinkedHashMap<>();
        Map<String, DockerfileInfo.Stage> stages = new LinkedHashMap<>();
        for (String p : platforms) {
            DockerfileInfo d = dockerfileOf.apply(p);
            DockerfileInfo.Stage stage = Stages.of(asked.target(), d);
            dfs.put(p, d);
            stages.put(p, stage);
            ArgForms.check(d, Stages.defaults(d, stage), r.argsFor(p));
        }
        DockerfileInfo df = dfs.get(platforms.get(0));
        BuildRequest req = asked.withTarget(stages.get(platforms.get(0)).name()); // from here on: the stage's own name
        req.secrets().forEach(Planner::secretParts);
        for (String p : platforms) {
            checkDeclared(r, dfs.get(p), List.of(p), req.strict(), warnings);
        }

        if (multi && req.output() == BuildRequest.Output.LOAD) {
            throw NssimgException.usage("flag --load: a multi-platform image cannot be loaded into the engine; it is pushed (drop --load)");
        }
        boolean push = multi || req.output() == BuildRequest.Output.PUSH;
        if (req.publishing().verify() && req.output() == BuildRequest.Output.PUSH) {
            throw NssimgException.usage("flags --verify-reproducible and --push: the check builds twice and publishes nothing;"
                    + " build again without --verify-reproducible to push (its digests are the ones checked)");
        }
        List<String> registries = registries(r);
        if ((req.multiarch() || push) && registries.isEmpty() && !tagsQualified(req.tags())) {
            String list = r.platforms().origin();
            String why = !req.multiarch() ? "flag --push"
                    : list.startsWith("flag --platform") || list.equals(Overrides.PLATFORM_ENV)
                            ? list + " (several platforms)" : "flag --multiarch";
            throw NssimgException.usage(why + " needs a registry: pass --registry REGISTRY or set CONTAINER_GPU_REGISTRY"
                    + " (e.g. ghcr.io/nvidia-nemo)");
        }
        String singleArch = multi ? null : platforms.get(0).substring(platforms.get(0).indexOf('/') + 1).replace('/', '-');
        List<String> tags = tags(req, r, registries, facts, singleArch, warnings);
        if (req.tags().isEmpty() && !req.target().equals("runtime") && !req.target().equals("dev")) {
            warnings.add("stage " + req.target() + " of " + df.file() + " is tagged " + String.join(", ", tags)
                    + ", the profile's runtime image; pass --tag to name it");
        }

        BuildRequest.Strategy strategy = BuildRequest.Strategy.SINGLE;
        if (multi) {
            // Platforms with their own Dockerfile or context cannot share one call: buildx builds one file per call.
            String ownFiles = platforms.stream()
                    .filter(p -> !r.dockerfileFor(p).value().equals(r.dockerfileFor(platforms.get(0)).value())
                            || !r.contextFor(p).value().equals(r.contextFor(platforms.get(0)).value())
                            || !stages.get(p).name().equals(stages.get(platforms.get(0)).name()))
                    .findFirst().orElse(null);
            boolean differ = platforms.stream().map(p -> sortedArgs(r.argsFor(p))).distinct().count() > 1
                    || platforms.stream().map(p -> String.valueOf(value(r.builderFor(p)))).distinct().count() > 1;
            strategy = req.strategy() == BuildRequest.Strategy.AUTO
                    ? (differ || ownFiles != null ? BuildRequest.Strategy.SPLIT : BuildRequest.Strategy.SINGLE)
                    : req.strategy();
            if (strategy == BuildRequest.Strategy.SINGLE && ownFiles != null) {
                throw NssimgException.usage("flag --strategy single: " + ownFiles + " builds " + dfs.get(ownFiles).file()
                        + (r.platformDockerfiles().containsKey(ownFiles) ? " (" + r.dockerfileFor(ownFiles).origin() + ")" : "")
                        + " and one call builds one Dockerfile and context; use --strategy split");
            }
            if (strategy == BuildRequest.Strategy.SINGLE && differ) {
                warnings.add("--strategy single shares one set of build args and one builder across "
                        + String.join(", ", platforms) + "; per-platform values (platform-args, platform-builders) are ignored");
            }
        } else if (req.strategy() == BuildRequest.Strategy.SPLIT) {
            throw NssimgException.usage("flag --strategy: split needs --multiarch (several platforms)");
        }

        boolean reproducible = req.publishing().verify() || (req.publishing().reproducible() != null
                ? req.publishing().reproducible()
                : r.publishing().reproducible() != null && r.publishing().reproducible().value().equals("true"));
        // Docker 26's docker driver rewrites layer timestamps only for an OCI tarball export, which is then loaded
        // (and pushed from the image store, digests unchanged); other drivers take rewrite-timestamp on any exporter.
        boolean dockerDriver = r.builder() == null && r.platformBuilders().isEmpty();
        boolean ociPath = reproducible && dockerDriver;
        // Annotations are for what is published (registries show the index's) and for reproducible exports; a
        // plain local build stays the spec's command.
        Map<String, String> annotated = push || reproducible ? annotated(dfs.get(platforms.get(0)),
                stages.get(platforms.get(0)), r, platforms.get(0), facts) : Map.of();
        String provenance = attestation(req.publishing().provenance(), r.publishing().provenance(), push ? DEFAULT_PROVENANCE : null);
        String sbom = attestation(req.publishing().sbom(), r.publishing().sbom(), null);
        List<String> attest = !req.publishing().attest().isEmpty() ? req.publishing().attest()
                : r.publishing().attest() != null ? r.publishing().attest().value() : List.of();
        boolean attests = provenance != null && !provenance.equals("false") || sbom != null && !sbom.equals("false")
                || !attest.isEmpty();

        List<Command> commands = new ArrayList<>();
        if (strategy == BuildRequest.Strategy.SPLIT) {
            String repo = repository(tags.get(0));
            for (String p : platforms) {
                // Each platform's manifest is annotated from its own Dockerfile's stage (a per-platform file has its own labels).
                BuildFlags.Publish publish = new BuildFlags.Publish(facts.sourceDateEpoch(),
                        annotations(push || reproducible ? annotated(dfs.get(p), stages.get(p), r, p, facts) : Map.of(), false), provenance, sbom, attest);
                String arch = p.substring(p.indexOf('/') + 1).replace('/', '-');
                BuildFlags flags = flags(req, stages.get(p).name(), r, dfs.get(p), facts, p, r.argsFor(p), r.builderFor(p), repo,
                        publish);
                Path meta = metadataFile(req, r, p);
                String engine = facts.engineOf(value(r.builderFor(p)));
                boolean byDigest = req.pushByDigest() != null ? req.pushByDigest()
                        : r.builderFor(p) != null && engine == null;
                if (byDigest) {
                    // Builders other than the docker driver push a platform by digest: no tag at all until the index.
                    Build.Output out = Build.Output.pushByDigest(repo);
                    commands.add(build(r, facts, List.of(p), flags, List.of(), reproducible ? out.rewritingTimestamps() : out, meta));
                } else {
                    // The docker driver cannot push by digest. Each platform is built into its engine (--load, or
                    // the OCI tarball loaded: the default engine, or the docker context its platform-builders entry
                    // names) and then pushed from there as TAG-ARCH (only blobs the registry lacks travel), as soon as
                    // its own build is done; the last phase joins them into TAG once every platform succeeded.
                    String archTag = archTag(tags.get(0), arch);
                    String context = engine == null ? null : value(r.builderFor(p));
                    if (ociPath) {
                        Path oci = ociFile(req, r, p);
                        commands.add(build(r, facts, List.of(p), flags, List.of(archTag), Build.Output.oci(oci, rel(facts.cwd(), oci)), meta));
                        commands.add(new Load(p, List.of(p), oci, rel(facts.cwd(), oci)));
                        commands.add(new Push(p, archTag, 2, context));
                    } else {
                        commands.add(build(r, facts, List.of(p), flags, List.of(archTag), Build.Output.LOAD, meta));
                        commands.add(new Push(p, archTag, 1, context));
                    }
                }
            }
            boolean anyPush = commands.stream().anyMatch(c -> c instanceof Push);
            // imagetools talks to the registry; a buildx builder named for all platforms lends it its auth. An engine
            // (docker context) is no buildx builder to name: the default one serves.
            String manifestBuilder = r.builder() != null && facts.engineOf(r.builder().value()) == null ? r.builder().value() : null;
            int phase = !anyPush ? 1 : ociPath ? 3 : 2;
            for (List<String> some : manifestCalls(tags, repo)) {
                commands.add(new Manifest(phase, manifestBuilder, some, repo, platforms, annotations(annotated, true)));
            }
        } else {
            String p0 = platforms.get(0);
            Map<String, Located<String>> args = multi ? r.sharedArgs() : r.argsFor(p0);
            String repo = registries.isEmpty() && !tagsQualified(req.tags()) ? null : repository(tags.get(0));
            // An index exists for several platforms or attestations; a lone manifest takes no index annotations.
            BuildFlags.Publish publish = new BuildFlags.Publish(facts.sourceDateEpoch(), annotations(annotated, multi || attests),
                    provenance, sbom, attest);
            BuildFlags flags = flags(req, req.target(), r, df, facts, p0, args, multi ? r.builder() : r.builderFor(p0), repo, publish);
            String label = String.join(",", platforms);
            Path meta = metadataFile(req, r, String.join("+", platforms));
            if (ociPath) {
                Path oci = ociFile(req, r, String.join("+", platforms));
                commands.add(build(r, facts, platforms, flags, tags, Build.Output.oci(oci, rel(facts.cwd(), oci)), meta));
                commands.add(new Load(label, platforms, oci, rel(facts.cwd(), oci)));
                if (push) {
                    tags.forEach(t -> commands.add(new Push(label, t, 2))); // each tag's push reported on its own
                }
            } else {
                Build.Output out = push ? Build.Output.PUSH : Build.Output.LOAD;
                commands.add(build(r, facts, platforms, flags, tags, reproducible ? out.rewritingTimestamps() : out, meta));
            }
        }
        if (cacheIsGha(r.cacheTo()) && dockerDriver) {
            warnings.add(r.cacheTo().origin() + ": a type=gha cache export needs a docker-container builder (docker buildx create"
                    + " --driver docker-container --use, or --builder); the docker driver refuses it");
        }
        // Platforms sharing a Dockerfile would each say the same thing about it: once is enough.
        return new BuildPlan(req.target(), platforms, strategy, tags, push, commands, warnings.stream().distinct().toList());
    }

    /** A flag's value, else the profile's, else the default (null: none); "" from a flag means none as well. */
    private static String attestation(String flag, Located<String> profile, String dflt) {
        String v = flag != null ? flag : profile != null ? profile.value() : dflt;
        return v == null || v.isEmpty() ? null : v;
    }

    private static boolean cacheIsGha(Located<String> spec) {
        return spec != null && spec.value().contains("type=gha");
    }

    /** Where tags go: --registry or CONTAINER_GPU_REGISTRY, else the profile's registries list, else its registry. */
    public static List<String> registries(Resolved r) {
        boolean override = r.registry() != null && (r.registry().origin().startsWith("flag") || r.registry().origin().startsWith("env"));
        if (!override && r.publishing().registries() != null) {
            return r.publishing().registries().value();
        }
        return r.hasRegistry() ? List.of(r.registry().value()) : List.of();
    }

    /**
     * The OCI labels of the stage to repeat as annotations (title, description, source, licenses: the Dockerfile's
     * values, with the build arguments of that platform expanded as BuildKit expands them in the label; version: its
     * own, else git's; revision and created: what the build sets), in ANNOTATED's order. A value nssimg cannot know
     * (ENV, ${X:-y}) is left out.
     */
    static Map<String, String> annotated(DockerfileInfo df, DockerfileInfo.Stage stage, Resolved r, String platform,
            BuildFacts facts) {
        Map<String, String> args = new LinkedHashMap<>();
        r.effectiveArgs(Stages.defaults(df, stage), platform).forEach((k, v) -> args.put(k, v.value()));
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : ANNOTATED) {
            String full = "org.opencontainers.image." + key;
            String own = LabelValues.of(df, stage, full, args, platform);
            String v = switch (key) {
                case "revision" -> facts.gitRevision();
                case "created" -> facts.created();
                case "version" -> own != null && !own.isEmpty() ? own : facts.version();
                default -> own;
            };
            if (v != null && !v.isEmpty()) {
                out.put(full, v);
            }
        }
        return out;
    }

    /** The annotations as buildx spells them: manifest ones, and index ones first when an index is made. */
    static List<String> annotations(Map<String, String> annotated, boolean index) {
        List<String> out = new ArrayList<>();
        if (index) {
            annotated.forEach((k, v) -> out.add("index:" + k + "=" + v));
        }
        annotated.forEach((k, v) -> out.add("manifest:" + k + "=" + v));
        return out;
    }

    /** The OCI tarball a reproducible build on the docker driver writes, beside its metadata file. */
    private static Path ociFile(BuildRequest req, Resolved r, String platforms) {
        return req.workDir().resolve("image-" + r.profile() + "-" + req.target() + "-" + platforms.replace('/', '-') + ".oci.tar");
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
    private static BuildFlags flags(BuildRequest req, String stage, Resolved r, DockerfileInfo df, BuildFacts facts,
            String platform, Map<String, Located<String>> args, Located<String> builder, String repo, BuildFlags.Publish publish) {
        // Arguments reach only Dockerfiles that declare them (one profile, and one environment, serves several
        // Dockerfiles: the runtime's, the CI image's, a platform's own); an undeclared one is warned about, never sent.
        Set<String> declared = df.declaredArgs();
        Map<String, String> buildArgs = new LinkedHashMap<>();
        args.entrySet().stream()
                .filter(e -> declared.contains(e.getKey()) || BuildArgs.BUILTIN.contains(e.getKey()))
                .sorted(Comparator.comparing((Map.Entry<String, Located<String>> e) -> BuildArgs.order(e.getKey()))
                        .thenComparing(Map.Entry::getKey))
                .forEach(e -> buildArgs.put(e.getKey(), e.getValue().value()));
        if (declared.contains(PACKAGE_VERSION) && !buildArgs.containsKey(PACKAGE_VERSION) && facts.version() != null) {
            // Upstream's release workflow: the package is versioned as the image is labelled (uv's dynamic versioning
            // bypass), in PEP 440's spelling of the same version.
            buildArgs.put(PACKAGE_VERSION, pep440(facts.version()));
        }
        Map<String, String> contexts = new LinkedHashMap<>();
        r.contexts().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> contexts.put(e.getKey(), Resolved.localContext(e.getValue().value())
                        .map(dir -> rel(facts.cwd(), dir)).orElse(e.getValue().value())));
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL_CREATED, facts.created());
        if (facts.gitRevision() != null) {
            labels.put(LABEL_REVISION, facts.gitRevision());
        }
        if (facts.version() != null && !df.stage(stage).map(s -> s.labels().containsKey(LABEL_VERSION)).orElse(false)) {
            labels.put(LABEL_VERSION, facts.version());
        }
        Path dockerfile = r.dockerfileFor(platform).value().normalize(); // one outside the repository has no path to record
        Optional.of(dockerfile).filter(d -> d.startsWith(r.root())).ifPresent(d -> labels.put(LABEL_DOCKERFILE, r.root().relativize(d).toString()));
        labels.put(LABEL_STAGE, stage);
        labels.put(LABEL_PROFILE, r.profile() == null ? "default" : r.profile());
        String arch = platform.substring(platform.indexOf('/') + 1);
        // As BuildKit: without --target the last stage is built, so asking for it sends none.
        String target = stage.equals(df.defaultStage().name()) ? null : stage;
        // A builder name that is a docker context is an engine: its own (docker driver) builder runs the build there.
        boolean engine = builder != null && facts.engineOf(builder.value()) != null;
        return new BuildFlags(engine ? null : value(builder), rel(facts.cwd(), r.dockerfileFor(platform).value()), target, buildArgs,
                contexts, labels, req.secrets(), r.cacheFrom() == null ? null : cacheSpec(r.cacheFrom(), repo, arch, false),
                r.cacheTo() == null ? null : cacheSpec(r.cacheTo(), repo, arch, true), req.noCache(), req.pull(), req.progress(),
                publish, engine ? builder.value() : null);
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
                rel(facts.cwd(), r.contextFor(platforms.get(0)).value()));
    }

    /** The build argument upstream's Dockerfile versions its Python package by. */
    public static final String PACKAGE_VERSION = "PACKAGE_VERSION";
    private static final Pattern DESCRIBE = Pattern.compile("(\\d+(?:\\.\\d+)*)(?:-(\\d+)-g([0-9a-f]+)|-([0-9a-f]{7,40}))?(-dirty)?");

    /**
     * The image version (git describe without its v, or 0.0.0-SHORT) as PEP 440 spells it: 1.2.0-3-gabc1234 is
     * 1.2.0.post3+gabc1234, 0.0.0-abc1234 is 0.0.0+gabc1234; a version of another form is passed as it is.
     */
    static String pep440(String version) {
        Matcher m = DESCRIBE.matcher(version);
        if (!m.matches()) {
            return version;
        }
        StringBuilder out = new StringBuilder(m.group(1));
        if (m.group(2) != null && !m.group(2).equals("0")) {
            out.append(".post").append(m.group(2));
        }
        String sha = m.group(3) != null ? m.group(3) : m.group(4);
        if (sha != null || m.group(5) != null) {
            out.append('+').append(sha != null ? "g" + sha : "").append(m.group(5) != null ? (sha != null ? ".dirty" : "dirty") : "");
        }
        return out.toString();
    }

    /** The per-architecture tag a staged split build pushes: nss-gpu:latest -> nss-gpu:latest-arm64. */
    static String archTag(String tag, String arch) {
        String repo = repository(tag);
        String t = tag.length() > repo.length() + 1 && tag.charAt(repo.length()) == ':' ? tag.substring(repo.length() + 1) : "latest";
        int at = t.indexOf('@');
        return repo + ":" + (at >= 0 ? t.substring(0, at) : t) + "-" + arch;
    }

    /**
     * Tags: --tag flags, else the profile's `tags:` templates on the repository of its image for the target, else that
     * image; each prefixed by every registry (a tag that names its host is kept as it is).
     */
    static List<String> tags(BuildRequest req, Resolved r, List<String> registries, BuildFacts facts, String arch,
            List<String> notes) {
        String image = req.target().equals("dev") ? r.imageDev().value() : r.image().value();
        List<String> base;
        if (!req.tags().isEmpty()) {
            base = req.tags();
        } else if (r.publishing().tags() != null) {
            String repo = repository(image);
            base = TagTemplates.expand(r.publishing().tags(), facts.tags(), arch, notes).stream().map(t -> repo + ":" + t).toList();
        } else {
            base = List.of(image);
        }
        Set<String> out = new LinkedHashSet<>();
        for (String t : base) {
            Validation.imageRef(Located.of(t, !req.tags().isEmpty() ? "flag --tag"
                    : r.publishing().tags() != null ? r.publishing().tags().origin() : "image"), "tag");
            if (registries.isEmpty() || hasHost(t)) {
                out.add(t);
            } else {
                registries.forEach(reg -> out.add(reg + "/" + t));
            }
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
    /**
     * The tags of each imagetools create call, in order. One call copies the platforms' manifests and blobs from repo
     * into every other repository its tags name; two tags copied into one such repository by the same call race
     * (buildx 0.13.1 with distribution 2.8: "manifest blob unknown", 2 of 3 tries with three tags). So the first call
     * tags repo and each other repository once, and the tags left follow in a second call, when every repository
     * holds the index. One repository: one call.
     */
    static List<List<String>> manifestCalls(List<String> tags, String repo) {
        List<String> first = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        Set<String> copied = new LinkedHashSet<>();
        for (String t : tags) {
            String r = repository(t);
            (r.equals(repo) || copied.add(r) ? first : rest).add(t);
        }
        return rest.isEmpty() ? List.of(first) : List.of(first, rest);
    }

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
     * Build arguments the Dockerfile does not declare are not passed to it (BuildKit would not use them; one profile
     * serves several Dockerfiles): a warning, and an error with --strict.
     */
    private static void checkDeclared(Resolved r, DockerfileInfo df, List<String> platforms, boolean strict, List<String> warnings) {
        Set<String> declared = df.declaredArgs();
        Map<String, Located<String>> given = new LinkedHashMap<>();
        platforms.forEach(p -> given.putAll(r.argsFor(p)));
        for (var e : given.entrySet()) {
            if (!declared.contains(e.getKey()) && !BuildArgs.BUILTIN.contains(e.getKey())) {
                String msg = e.getValue().origin() + ": build argument " + e.getKey() + " is not declared in " + df.file()
                        + "; not passed";
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
