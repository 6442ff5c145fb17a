package dev.nssimg.plan;

import dev.nssimg.dockerfile.DockerfileInfo;
import dev.nssimg.error.NssimgException;
import dev.nssimg.profile.Located;
import dev.nssimg.profile.Resolved;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A build plan rendered for podman: the same platforms, stages, build arguments, named contexts, labels, secrets
 * and tags as the buildx plan Planner made, as `podman build` commands. A pushed or multi-arch build goes through
 * one local manifest list (named as the first tag): it is emptied, each build adds its platforms to it (one call
 * with --platform a,b, or one call per platform when their arguments differ), and `podman manifest push --all`
 * publishes it under every tag. What podman cannot do (ContainerEngine.PODMAN's table) is not applied when it is
 * a default or a profile's value (with a warning for the latter), and is exit 2 when a flag asks for it. Pure.
 */
public final class PodmanPlan {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)\\}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    private PodmanPlan() {}

    /** dockerfileOf: each platform's parsed Dockerfile, as the plan was made from. */
    public static BuildPlan of(BuildPlan plan, String program, Resolved r, Function<String, DockerfileInfo> dockerfileOf) {
        ContainerEngine.Support can = ContainerEngine.PODMAN.support();
        List<String> warnings = new ArrayList<>(plan.warnings());
        refuseOrWarn(r.builder(), "a buildx builder", warnings);
        r.platformBuilders().values().forEach(b -> refuseOrWarn(b, "a buildx builder or docker context", warnings));
        boolean cacheFrom = usable(r.cacheFrom(), can, warnings);
        boolean cacheTo = usable(r.cacheTo(), can, warnings);
        List<Build> builds = plan.commands().stream().filter(c -> c instanceof Build).map(c -> (Build) c).toList();
        String list = plan.push() ? plan.tags().get(0) : null;
        List<Command> out = new ArrayList<>();
        if (list != null) {
            out.add(ManifestList.reset(program, list, builds.get(0).label()));
        }
        for (Build b : builds) {
            BuildFlags f = b.flags();
            DockerfileInfo df = dockerfileOf.apply(b.platforms().get(0));
            BuildFlags flags = new BuildFlags(null, f.file(), f.target(), f.buildArgs(), fromKeys(f.contexts(), df, f.buildArgs()),
                    f.labels(), f.secrets(), cacheFrom ? ref(f.cacheFrom()) : null, cacheTo ? ref(f.cacheTo()) : null, f.noCache(), f.pull(), null,
                    new BuildFlags.Publish(f.publish().sourceDateEpoch(), List.of(), null, null, List.of()), null);
            Path iid = b.metadataFile().resolveSibling(b.metadataFile().getFileName() + ".iid");
            out.add(new PodmanBuild(program, b.platforms(), flags, list == null ? plan.tags() : List.of(), list, iid,
                    b.metadataArg() + ".iid", b.context()));
        }
        if (list != null) {
            Build last = builds.get(builds.size() - 1);
            for (String tag : plan.tags()) {
                String suffix = ".digest-" + plan.tags().indexOf(tag);
                out.add(ManifestList.push(program, list, tag, last.label(),
                        last.metadataFile().resolveSibling(last.metadataFile().getFileName() + suffix), last.metadataArg() + suffix));
            }
        }
        return new BuildPlan(plan.target(), plan.platforms(), plan.strategy(), plan.tags(), plan.push(), out,
                warnings.stream().distinct().toList());
    }

    /** A flag asking for what podman cannot do is exit 2; a profile's value is left out, with a warning. */
    private static void refuseOrWarn(Located<String> v, String what, List<String> warnings) {
        if (v == null) {
            return;
        }
        if (v.origin().startsWith("flag")) {
            throw NssimgException.usage(v.origin() + ": podman cannot use " + what + " (" + v.value() + "); drop the flag, or build with"
                    + " --engine docker");
        }
        warnings.add(v.origin() + ": " + what + " (" + v.value() + ") is docker buildx's; podman builds on its own engine, so it"
                + " is not used");
    }

    /**
     * Whether podman can use a cache spec: a registry repository (its --cache-from/--cache-to take nothing else).
     * Another type from a flag is exit 2; from a profile it is left out, with a warning.
     */
    private static boolean usable(Located<String> spec, ContainerEngine.Support can, List<String> warnings) {
        if (spec == null) {
            return false;
        }
        if (can.takesCache(spec.value())) {
            return true;
        }
        String type = ContainerEngine.Support.cacheType(spec.value());
        if (spec.origin().startsWith("flag")) {
            throw NssimgException.usage(spec.origin() + ": podman takes a registry repository as its cache, not type=" + type
                    + "; pass a repository (REGISTRY/NAME) or build with --engine docker");
        }
        warnings.add(spec.origin() + ": a type=" + type + " cache is docker buildx's; podman takes a registry repository, so"
                + " it is not used");
        return false;
    }

    /** The repository of a registry cache spec as the planner wrote it (type=registry,ref=REPO[,mode=max]). */
    private static String ref(String spec) {
        if (spec == null) {
            return null;
        }
        String ref = spec;
        for (String part : spec.split(",")) {
            if (part.startsWith("ref=")) {
                ref = part.substring(4);
            }
        }
        return ref;
    }

    /**
     * Named contexts, plus each under the text of the FROM it replaces. buildah (podman 5.4) matches a named
     * context against a FROM as written, before build arguments are put in, while BuildKit matches the expanded
     * reference: `FROM nvidia/cuda:${CUDA_VERSION}-runtime-...` is replaced by a context named
     * `nvidia/cuda:12.8.1-runtime-...` on BuildKit, and by one named `nvidia/cuda:${CUDA_VERSION}-runtime-...`
     * on podman. So a context whose name is what a FROM expands to (with this build's arguments, else the
     * Dockerfile's global defaults) is also passed under that FROM's text.
     */
    static Map<String, String> fromKeys(Map<String, String> contexts, DockerfileInfo df, Map<String, String> buildArgs) {
        Map<String, String> out = new LinkedHashMap<>(contexts);
        Map<String, String> values = new LinkedHashMap<>();
        df.argDefaults().forEach((k, a) -> values.put(k, a.value()));
        values.putAll(buildArgs);
        for (DockerfileInfo.Stage s : df.stages()) {
            String raw = s.base();
            if (!raw.contains("$")) {
                continue;
            }
            String expanded = expand(raw, values);
            if (contexts.containsKey(expanded)) {
                out.putIfAbsent(raw, contexts.get(expanded));
            }
        }
        return out;
    }

    private static String expand(String text, Map<String, String> values) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            String v = values.get(name);
            m.appendReplacement(sb, Matcher.quoteReplacement(v != null ? v : ""));
        }
        return m.appendTail(sb).toString();
    }
}
