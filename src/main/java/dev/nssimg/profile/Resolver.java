package dev.nssimg.profile;

import dev.nssimg.error.NssimgException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Applies the profiles file (defaults, extends chain, profile), environment and flags over nssimg's built-in
 * paths and images. Build arguments have no built-in values: the Dockerfile's ARG defaults are the lowest layer. Pure.
 */
public final class Resolver {
    /** The origin of built-in values, and the name of the defaults alone as a profile (`--profile default`). */
    public static final String BUILTIN = "default";

    private Resolver() {}

    /**
     * @param root      directory that relative paths in the profiles file are resolved against
     * @param cwd       directory that relative paths in flags are resolved against
     * @param profile   profile name, or null for the defaults alone
     */
    public static Resolved resolve(ProfilesFile file, String profile, Path root, Path cwd, Overrides env, Overrides flags) {
        List<ProfileSpec> layers = new ArrayList<>();
        layers.add(file.defaults());
        layers.addAll(chain(file, profile));

        Located<String> platform = pick(layers, ProfileSpec::platform, env.platform(), flags.platform(),
                Located.of(BuildArgs.DEFAULT_PLATFORM, BUILTIN));
        Located<List<String>> platforms = pick(layers, ProfileSpec::platforms, env.platforms(), flags.platforms(),
                Located.of(BuildArgs.MULTIARCH_PLATFORMS, BUILTIN));
        Located<String> dockerfile = pick(layers, ProfileSpec::dockerfile, env.dockerfile(), flags.dockerfile(),
                Located.of(BuildArgs.DEFAULT_DOCKERFILE, BUILTIN));
        Located<String> context = pick(layers, ProfileSpec::context, env.context(), flags.context(),
                Located.of(BuildArgs.DEFAULT_CONTEXT, BUILTIN));
        Located<String> image = pick(layers, ProfileSpec::image, env.image(), flags.image(),
                Located.of(BuildArgs.DEFAULT_IMAGE, BUILTIN));
        Located<String> imageDev = pick(layers, ProfileSpec::imageDev, env.imageDev(), flags.imageDev(),
                Located.of(BuildArgs.DEFAULT_IMAGE_DEV, BUILTIN));
        Located<String> registry = pick(layers, ProfileSpec::registry, env.registry(), flags.registry(),
                Located.of("", BUILTIN));
        Located<String> builder = pick(layers, ProfileSpec::builder, env.builder(), flags.builder(), null);
        Located<String> cacheFrom = pick(layers, ProfileSpec::cacheFrom, env.cacheFrom(), flags.cacheFrom(), null);
        Located<String> cacheTo = pick(layers, ProfileSpec::cacheTo, env.cacheTo(), flags.cacheTo(), null);
        Located<String> sizeBudget = pick(layers, ProfileSpec::sizeBudget, null, null, null);
        Located<String> engine = pick(layers, ProfileSpec::engine, null, null, null);

        // Layer by layer, a layer's args and then its platform-args apply, so a higher layer's
        // args beat a lower layer's platform-args for every platform.
        // No built-in values: what no layer sets is the Dockerfile's own default (Resolved.effectiveArgs).
        Map<String, Located<String>> args = new LinkedHashMap<>();
        Map<String, Map<String, Located<String>>> platformArgs = new LinkedHashMap<>();
        for (String p : BuildArgs.MULTIARCH_PLATFORMS) {
            platformArgs.put(p, new LinkedHashMap<>(args));
        }
        Map<String, Located<String>> contexts = new LinkedHashMap<>();
        Map<String, Located<String>> platformBuilders = new LinkedHashMap<>();
        Map<String, Located<Path>> platformDockerfiles = new LinkedHashMap<>();
        Map<String, Located<Path>> platformContexts = new LinkedHashMap<>();
        RunSettings run = RunSettings.EMPTY;
        for (ProfileSpec layer : layers) {
            run = run.under(withProfile(layer.run(), layer));
            layer.args().forEach((k, v) -> args.put(k, withProfile(v, layer)));
            for (var pa : layer.platformArgs().entrySet()) {
                if (!platformArgs.containsKey(pa.getKey())) {
                    pa.getValue().values().stream().findFirst()
                            .ifPresent(v -> Validation.platform(Located.of(pa.getKey(), v.origin())));
                }
            }
            for (var e : platformArgs.entrySet()) {
                layer.args().forEach((k, v) -> e.getValue().put(k, withProfile(v, layer)));
                layer.platformArgs().getOrDefault(e.getKey(), Map.of()).forEach((k, v) -> e.getValue().put(k, withProfile(v, layer)));
            }
            layer.contexts().forEach((name, v) -> contexts.put(name, Resolved.localContext(v.value()).isPresent()
                    ? asString(path(withProfile(v, layer), root, cwd)) : withProfile(v, layer)));
            layer.platformBuilders().forEach((p, v) -> platformBuilders.put(p, withProfile(v, layer)));
            layer.platformDockerfiles().forEach((p, v) -> platformDockerfiles.put(p, path(withProfile(v, layer), root, cwd)));
            layer.platformContexts().forEach((p, v) -> platformContexts.put(p, path(withProfile(v, layer), root, cwd)));
        }
        if (flags.builder() != null) {
            platformBuilders.clear(); // --builder names the builder for every platform
        }
        if (flags.dockerfile() != null || env.dockerfile() != null) {
            platformDockerfiles.clear(); // --file (or CONTAINER_GPU_FILE) names the Dockerfile of every platform
        }
        if (flags.context() != null || env.context() != null) {
            platformContexts.clear();
        }
        Map<String, Located<String>> overrideArgs = new LinkedHashMap<>(env.args());
        overrideArgs.putAll(flags.args());

        Resolved r = new Resolved(profile == null ? BUILTIN : profile, root, platform, platforms,
                path(dockerfile, root, cwd), path(context, root, cwd), contexts, image, imageDev, registry,
                args, platformArgs, overrideArgs, builder, platformBuilders, cacheFrom, cacheTo, platformDockerfiles,
                platformContexts, run, publishing(layers), sizeBudget, engine);
        validate(r);
        return r;
    }

    /** The publishing keys, each from the highest layer that sets it (flags apply later, in the build request). */
    private static ProfileSpec.Publishing publishing(List<ProfileSpec> layers) {
        return new ProfileSpec.Publishing(
                pick(layers, l -> l.publishing().tags(), null, null, null),
                pick(layers, l -> l.publishing().registries(), null, null, null),
                pick(layers, l -> l.publishing().branch(), null, null, null),
                pick(layers, l -> l.publishing().defaultBranch(), null, null, null),
                pick(layers, l -> l.publishing().reproducible(), null, null, null),
                pick(layers, l -> l.publishing().provenance(), null, null, null),
                pick(layers, l -> l.publishing().sbom(), null, null, null),
                pick(layers, l -> l.publishing().attest(), null, null, null));
    }

    private static void validate(Resolved r) {
        Validation.platform(r.platform());
        if (r.platforms().value().isEmpty()) {
            throw NssimgException.usage(r.platforms().origin() + ": platforms is empty");
        }
        Set<String> seen = new LinkedHashSet<>();
        for (String p : r.platforms().value()) {
            Validation.platform(Located.of(p, r.platforms().origin()));
            if (!seen.add(p)) {
                throw NssimgException.usage(r.platforms().origin() + ": platform " + p + " is listed twice");
            }
        }
        r.platformBuilders().forEach((p, v) -> Validation.platform(Located.of(p, v.origin())));
        r.platformDockerfiles().forEach((p, v) -> Validation.platform(Located.of(p, v.origin())));
        r.platformContexts().forEach((p, v) -> Validation.platform(Located.of(p, v.origin())));
        Validation.imageRef(r.image(), "image");
        Validation.imageRef(r.imageDev(), "image-dev");
        ProfileSpec.Publishing pub = r.publishing();
        if (pub.registries() != null) {
            if (pub.registries().value().isEmpty()) {
                throw NssimgException.usage(pub.registries().origin() + ": registries is empty");
            }
            pub.registries().value().forEach(reg -> Validation.registry(Located.of(reg, pub.registries().origin())));
        }
        if (pub.reproducible() != null && !List.of("true", "false").contains(pub.reproducible().value())) {
            throw NssimgException.usage(pub.reproducible().origin() + ": reproducible must be true or false, got '"
                    + pub.reproducible().value() + "'");
        }
        if (r.hasRegistry()) {
            Validation.registry(r.registry());
        }
        Validation.buildArgs(r.argsFor(r.platform().value()));
        for (String p : r.platforms().value()) {
            Validation.buildArgs(r.argsFor(p));
        }
    }

    /**
     * What a profile says of the repository's task runner: which one to read when a tree has both (runner:, the
     * highest layer's), and env-args: environment variable -> build argument, for a runner nssimg cannot read
     * (merged over the layers, the profile's own over its bases').
     */
    public record RunnerKeys(Located<String> runner, Map<String, Located<String>> envArgs) {}

    public static RunnerKeys runnerKeys(ProfilesFile file, String profile) {
        List<ProfileSpec> layers = new ArrayList<>();
        layers.add(file.defaults());
        layers.addAll(chain(file, profile));
        Located<String> runner = null;
        Map<String, Located<String>> envArgs = new LinkedHashMap<>();
        for (ProfileSpec layer : layers) {
            if (layer.runner() != null) {
                runner = withProfile(layer.runner(), layer);
            }
            layer.envArgs().forEach((k, v) -> envArgs.put(k, withProfile(v, layer)));
        }
        return new RunnerKeys(runner, envArgs);
    }

    /** A profile's sign: section, merged over the defaults and its extends chain (each key the highest layer's). */
    public static SignSection signSection(ProfilesFile file, String profile) {
        List<ProfileSpec> layers = new ArrayList<>();
        layers.add(file.defaults());
        layers.addAll(chain(file, profile));
        SignSection out = SignSection.NONE;
        for (ProfileSpec layer : layers) {
            SignSection s = layer.sign();
            out = new SignSection(located(s.key(), layer), located(s.keyless(), layer), located(s.identity(), layer),
                    located(s.issuer(), layer), located(s.tlog(), layer)).over(out);
        }
        return out;
    }

    private static Located<String> located(Located<String> v, ProfileSpec layer) {
        return v == null ? null : withProfile(v, layer);
    }

    /**
     * The repository's own checks of a profile's images: the tests: of the highest layer that writes it (inline, or
     * read from the file it names, relative to root). Empty when no layer does.
     */
    public static List<ImageTest> imageTests(ProfilesFile file, String profile, Path root) {
        List<ProfileSpec> layers = new ArrayList<>();
        layers.add(file.defaults());
        layers.addAll(chain(file, profile));
        ProfileSpec.TestsKey key = null;
        for (ProfileSpec layer : layers) {
            if (layer.tests() != null) {
                key = layer.tests();
            }
        }
        if (key == null) {
            return List.of();
        }
        if (key.inline() != null) {
            return key.inline();
        }
        Path p = root.resolve(key.file());
        if (!Files.isRegularFile(p)) {
            throw NssimgException.usage(key.origin() + ": tests file " + key.file() + " not found");
        }
        return ImageTests.readFile(p, key.file());
    }

    /** The extends chain of a profile, base first. */
    static List<ProfileSpec> chain(ProfilesFile file, String profile) {
        if (profile == null || (profile.equals(BUILTIN) && !file.profiles().containsKey(BUILTIN))) {
            return List.of(); // "default", as `profiles` lists it, is the defaults alone
        }
        Deque<ProfileSpec> out = new ArrayDeque<>();
        Set<String> visiting = new LinkedHashSet<>();
        String name = profile;
        String origin = "flag --profile";
        while (name != null) {
            ProfileSpec spec = file.profiles().get(name);
            if (spec == null) {
                throw NssimgException.usage(origin + ": unknown profile '" + name + "' in " + file.file()
                        + " (known: " + (file.profiles().isEmpty() ? "none" : String.join(", ", file.profiles().keySet())) + ")");
            }
            if (!visiting.add(name)) {
                String where = spec.extendsName() == null ? file.file() : spec.extendsName().origin();
                throw NssimgException.usage(where + ": extends cycle: " + String.join(" -> ", visiting) + " -> " + name);
            }
            out.addFirst(spec);
            origin = spec.extendsName() == null ? null : spec.extendsName().origin();
            name = spec.extendsName() == null ? null : spec.extendsName().value();
        }
        return List.copyOf(out);
    }

    private static <T> Located<T> pick(List<ProfileSpec> layers, Function<ProfileSpec, Located<T>> field,
            Located<T> env, Located<T> flag, Located<T> builtin) {
        if (flag != null) {
            return flag;
        }
        if (env != null) {
            return env;
        }
        for (int i = layers.size() - 1; i >= 0; i--) {
            Located<T> v = field.apply(layers.get(i));
            if (v != null) {
                return withProfile(v, layers.get(i));
            }
        }
        return builtin;
    }

    private static <T> Located<T> withProfile(Located<T> v, ProfileSpec layer) {
        return Located.of(v.value(), v.origin() + (layer.name() == null ? " (defaults)" : " (profile " + layer.name() + ")"));
    }

    private static RunSettings withProfile(RunSettings s, ProfileSpec layer) {
        Map<String, Located<String>> u = new LinkedHashMap<>();
        s.ulimits().forEach((k, v) -> u.put(k, withProfile(v, layer)));
        Map<String, Located<String>> e = new LinkedHashMap<>();
        s.env().forEach((k, v) -> e.put(k, withProfile(v, layer)));
        return new RunSettings(s.preset() == null ? null : withProfile(s.preset(), layer), s.ipc() == null ? null : withProfile(s.ipc(), layer),
                s.shmSize() == null ? null : withProfile(s.shmSize(), layer), u, e,
                s.mounts().stream().map(v -> withProfile(v, layer)).toList());
    }

    private static Located<String> asString(Located<Path> p) {
        return Located.of(p.value().toString(), p.origin());
    }

    /** Flag paths are relative to the working directory; all others to the project root. */
    private static Located<Path> path(Located<String> v, Path root, Path cwd) {
        Path base = v.origin().startsWith("flag") ? cwd : root;
        return Located.of(base.resolve(v.value()).normalize(), v.origin());
    }
}
