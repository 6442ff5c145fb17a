package dev.nssimg.profile;

import dev.nssimg.error.NssimgException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The profiles file: a {@code defaults} block and named {@code profiles}.
 * Parsing checks the shape (known keys, scalar vs list vs map); the values
 * themselves are checked by {@link Validation} after resolution.
 */
public record ProfilesFile(String file, ProfileSpec defaults, Map<String, ProfileSpec> profiles,
        Map<String, BuilderSpec> builders) {

    static final Set<String> TOP_KEYS = Set.of("defaults", "profiles", "builders");
    static final List<String> BUILDER_KEYS = List.of("driver", "driver-opts", "nodes");
    static final List<String> NODE_KEYS = List.of("name", "endpoint", "platforms", "driver-opts");
    static final List<String> PROFILE_KEYS = List.of(
            "description", "extends", "platform", "platforms", "dockerfile", "context", "contexts",
            "image", "image-dev", "registry", "args", "platform-args", "builder", "platform-builders",
            "cache-from", "cache-to", "tags", "registries", "branch", "default-branch", "reproducible", "provenance",
            "sbom", "attest", "platform-dockerfiles", "platform-contexts", "run", "size-budget", "engine", "runner", "env-args", "sign", "tests");
    static final List<String> RUN_KEYS = List.of("preset", "ipc", "shm-size", "ulimits", "env", "mounts");

    public ProfilesFile {
        profiles = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(profiles));
        builders = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(builders));
    }

    public static ProfilesFile load(Path path, String displayName) {
        String text;
        try {
            text = Files.readString(path);
        } catch (NoSuchFileException e) {
            throw NssimgException.usage(displayName + ": profiles file not found (choose another with --config)");
        } catch (IOException e) {
            throw NssimgException.usage(displayName + ": cannot read: " + e.getMessage());
        }
        return fromTree(YamlNode.parse(new java.io.StringReader(text), displayName), displayName);
    }

    public static ProfilesFile parse(Reader reader, String file) {
        return fromTree(YamlNode.parse(reader, file), file);
    }

    private static ProfilesFile fromTree(YamlNode root, String file) {
        if (!(root instanceof YamlNode.Mapping top)) {
            throw NssimgException.usage(file + ":" + root.line() + ": expected a mapping with 'defaults' and 'profiles'");
        }
        checkKeys(top, TOP_KEYS, file, "top level");
        ProfileSpec defaults = top.entries().get("defaults") == null
                ? spec(file, "defaults", new YamlNode.Mapping(Map.of(), Map.of(), 1))
                : spec(file, "defaults", mapping(top.entries().get("defaults"), file, "defaults"));
        if (defaults.extendsName() != null) {
            throw NssimgException.usage(file + ":" + lineOf(defaults.extendsName()) + ": 'extends' is not allowed in defaults");
        }
        Map<String, ProfileSpec> profiles = new LinkedHashMap<>();
        YamlNode profilesNode = top.entries().get("profiles");
        if (profilesNode != null) {
            YamlNode.Mapping pm = mapping(profilesNode, file, "profiles");
            for (var e : pm.entries().entrySet()) {
                String name = e.getKey();
                if (!name.matches("[a-z0-9][a-z0-9._-]*")) {
                    throw NssimgException.usage(file + ":" + pm.keyLines().get(name) + ": profile name '" + name
                            + "' must be lowercase letters, digits, '.', '_' or '-'");
                }
                YamlNode body = e.getValue();
                if (body instanceof YamlNode.Scalar s && s.text() == null) {
                    body = new YamlNode.Mapping(Map.of(), Map.of(), s.line());
                }
                profiles.put(name, spec(file, "profiles." + name, mapping(body, file, "profiles." + name)));
            }
        }
        Map<String, BuilderSpec> builders = new LinkedHashMap<>();
        YamlNode buildersNode = top.entries().get("builders");
        if (buildersNode != null) {
            YamlNode.Mapping bm = mapping(buildersNode, file, "builders");
            for (var e : bm.entries().entrySet()) {
                builders.put(e.getKey(), builder(file, e.getKey(), bm.keyLines().get(e.getKey()), e.getValue()));
            }
        }
        return new ProfilesFile(file, defaults, profiles, builders);
    }

    private static BuilderSpec builder(String file, String name, int line, YamlNode node) {
        String path = "builders." + name;
        if (!name.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
            throw NssimgException.usage(file + ":" + line + ": builder name '" + name + "' must be letters, digits, '.', '_' or '-'");
        }
        YamlNode.Mapping m = mapping(node, file, path);
        checkKeys(m, BUILDER_KEYS, file, path);
        Located<String> driver = scalar(m, "driver", file, path);
        if (driver == null) {
            throw NssimgException.usage(file + ":" + m.line() + ": " + path + ".driver is required (docker-container, kubernetes or remote)");
        }
        if (!BuilderSpec.DRIVERS.contains(driver.value())) {
            throw NssimgException.usage(driver.origin() + ": " + path + ".driver '" + driver.value()
                    + "' is not one of " + String.join(", ", BuilderSpec.DRIVERS));
        }
        Located<List<String>> opts = list(m, "driver-opts", file, path);
        YamlNode nodesNode = m.entries().get("nodes");
        if (!(nodesNode instanceof YamlNode.Seq seq) || seq.items().isEmpty()) {
            throw NssimgException.usage(file + ":" + (nodesNode == null ? m.line() : nodesNode.line()) + ": " + path
                    + ".nodes must be a non-empty list");
        }
        List<BuilderSpec.Node> nodes = new ArrayList<>();
        for (YamlNode n : seq.items()) {
            YamlNode.Mapping nm = mapping(n, file, path + ".nodes[]");
            checkKeys(nm, NODE_KEYS, file, path + ".nodes[]");
            Located<String> nodeName = scalar(nm, "name", file, path + ".nodes[]");
            Located<List<String>> platforms = list(nm, "platforms", file, path + ".nodes[]");
            if (nodeName == null || platforms == null || platforms.value().isEmpty()) {
                throw NssimgException.usage(file + ":" + nm.line() + ": " + path + ".nodes[] needs a name and platforms");
            }
            for (String p : platforms.value()) {
                Validation.platform(Located.of(p, platforms.origin()));
            }
            Located<String> endpoint = scalar(nm, "endpoint", file, path + ".nodes[]");
            Located<List<String>> nodeOpts = list(nm, "driver-opts", file, path + ".nodes[]");
            nodes.add(new BuilderSpec.Node(nodeName.value(), endpoint == null ? null : endpoint.value(), platforms.value(),
                    nodeOpts == null ? List.of() : nodeOpts.value()));
        }
        return new BuilderSpec(name, driver.value(), opts == null ? List.of() : opts.value(), nodes, file + ":" + line);
    }

    private static ProfileSpec spec(String file, String path, YamlNode.Mapping m) {
        checkKeys(m, PROFILE_KEYS, file, path);
        String name = path.startsWith("profiles.") ? path.substring("profiles.".length()) : null;
        Map<String, Map<String, Located<String>>> platformArgs = new LinkedHashMap<>();
        YamlNode pa = m.entries().get("platform-args");
        if (pa != null) {
            YamlNode.Mapping pam = mapping(pa, file, path + ".platform-args");
            for (var e : pam.entries().entrySet()) {
                platformArgs.put(e.getKey(), stringMap(e.getValue(), file, path + ".platform-args." + e.getKey()));
            }
        }
        return new ProfileSpec(
                name,
                scalarText(m, "description", file, path),
                scalar(m, "extends", file, path),
                scalar(m, "platform", file, path),
                list(m, "platforms", file, path),
                scalar(m, "dockerfile", file, path),
                scalar(m, "context", file, path),
                stringMap(m.entries().get("contexts"), file, path + ".contexts"),
                scalar(m, "image", file, path),
                scalar(m, "image-dev", file, path),
                scalar(m, "registry", file, path),
                stringMap(m.entries().get("args"), file, path + ".args"),
                platformArgs,
                scalar(m, "builder", file, path),
                stringMap(m.entries().get("platform-builders"), file, path + ".platform-builders"),
                scalar(m, "cache-from", file, path),
                scalar(m, "cache-to", file, path),
                stringMap(m.entries().get("platform-dockerfiles"), file, path + ".platform-dockerfiles"),
                stringMap(m.entries().get("platform-contexts"), file, path + ".platform-contexts"),
                run(m.entries().get("run"), file, path + ".run"),
                new ProfileSpec.Publishing(list(m, "tags", file, path), list(m, "registries", file, path),
                        scalar(m, "branch", file, path), scalar(m, "default-branch", file, path),
                        scalar(m, "reproducible", file, path), scalar(m, "provenance", file, path),
                        scalar(m, "sbom", file, path), list(m, "attest", file, path)),
                sizeBudget(scalar(m, "size-budget", file, path)),
                engine(scalar(m, "engine", file, path)),
                runner(scalar(m, "runner", file, path)),
                envArgs(stringMap(m.entries().get("env-args"), file, path + ".env-args")),
                sign(m.entries().get("sign"), file, path + ".sign"),
                tests(m, file, path));
    }

    private static ProfileSpec.TestsKey tests(YamlNode.Mapping m, String file, String path) {
        YamlNode n = m.entries().get("tests");
        if (n == null) {
            return null;
        }
        String origin = file + ":" + m.keyLines().get("tests");
        if (n instanceof YamlNode.Scalar s && s.text() != null) {
            return new ProfileSpec.TestsKey(origin, null, s.text());
        }
        return new ProfileSpec.TestsKey(origin, ImageTests.parse(n, file, path + ".tests"), null);
    }

    /** sign: its keys, with keyless and tlog checked as booleans where they are written. */
    private static SignSection sign(YamlNode n, String file, String path) {
        if (n == null) {
            return SignSection.NONE;
        }
        YamlNode.Mapping m = mapping(n, file, path);
        checkKeys(m, SignSection.KEYS, file, path);
        for (String b : List.of("keyless", "tlog")) {
            Located<String> v = scalar(m, b, file, path);
            if (v != null && !List.of("true", "false").contains(v.value())) {
                throw NssimgException.usage(v.origin() + ": " + path + "." + b + " must be true or false, not '" + v.value() + "'");
            }
        }
        return new SignSection(scalar(m, "key", file, path), scalar(m, "keyless", file, path), scalar(m, "identity", file, path),
                scalar(m, "issuer", file, path), scalar(m, "tlog", file, path));
    }

    /** The task runner a profile chooses when a tree has both: mise or make, checked where it is written. */
    private static Located<String> runner(Located<String> v) {
        if (v != null && !java.util.List.of("mise", "make").contains(v.value())) {
            throw NssimgException.usage(v.origin() + ": runner '" + v.value() + "' is not one of mise, make");
        }
        return v;
    }

    /** env-args: environment variable -> build argument, both names checked where they are written. */
    private static Map<String, Located<String>> envArgs(Map<String, Located<String>> m) {
        m.forEach((var, arg) -> {
            if (!var.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw NssimgException.usage(arg.origin() + ": env-args: '" + var + "' is not an environment variable name");
            }
            Validation.argName(arg.value(), arg.origin() + ": env-args." + var);
        });
        return m;
    }

    /** An engine is docker, podman or auto, checked where it is written. */
    private static Located<String> engine(Located<String> v) {
        if (v != null && !java.util.List.of("docker", "podman", "auto").contains(v.value())) {
            throw NssimgException.usage(v.origin() + ": engine '" + v.value() + "' is not one of docker, podman, auto");
        }
        return v;
    }

    /** A size-budget is checked where it is written, so a typo names its line. */
    private static Located<String> sizeBudget(Located<String> v) {
        if (v != null) {
            Validation.size(v);
        }
        return v;
    }

    private static RunSettings run(YamlNode n, String file, String path) {
        if (n == null) {
            return RunSettings.EMPTY;
        }
        YamlNode.Mapping m = mapping(n, file, path);
        checkKeys(m, RUN_KEYS, file, path);
        List<Located<String>> mounts = new ArrayList<>();
        Located<List<String>> list = list(m, "mounts", file, path);
        if (list != null) {
            list.value().forEach(v -> mounts.add(Located.of(v, list.origin())));
        }
        return new RunSettings(scalar(m, "preset", file, path), scalar(m, "ipc", file, path), scalar(m, "shm-size", file, path),
                stringMap(m.entries().get("ulimits"), file, path + ".ulimits"), stringMap(m.entries().get("env"), file, path + ".env"),
                mounts);
    }

    private static void checkKeys(YamlNode.Mapping m, java.util.Collection<String> allowed, String file, String path) {
        for (var key : m.entries().keySet()) {
            if (!allowed.contains(key)) {
                throw NssimgException.usage(file + ":" + m.keyLines().get(key) + ": unknown key '" + key + "' in "
                        + path + " (known: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private static YamlNode.Mapping mapping(YamlNode n, String file, String path) {
        if (n instanceof YamlNode.Mapping m) {
            return m;
        }
        throw NssimgException.usage(file + ":" + n.line() + ": " + path + " must be a mapping");
    }

    private static String where(String file, int line) {
        return file + ":" + line;
    }

    private static Located<String> scalar(YamlNode.Mapping m, String key, String file, String path) {
        YamlNode n = m.entries().get(key);
        if (n == null) {
            return null;
        }
        if (!(n instanceof YamlNode.Scalar s) || s.text() == null) {
            throw NssimgException.usage(where(file, n.line()) + ": " + path + "." + key + " must be a single value");
        }
        return Located.of(s.text(), where(file, n.line()));
    }

    private static String scalarText(YamlNode.Mapping m, String key, String file, String path) {
        Located<String> l = scalar(m, key, file, path);
        return l == null ? null : l.value();
    }

    private static Located<List<String>> list(YamlNode.Mapping m, String key, String file, String path) {
        YamlNode n = m.entries().get(key);
        if (n == null) {
            return null;
        }
        if (!(n instanceof YamlNode.Seq seq)) {
            throw NssimgException.usage(where(file, n.line()) + ": " + path + "." + key + " must be a list");
        }
        List<String> out = new ArrayList<>();
        for (YamlNode item : seq.items()) {
            if (!(item instanceof YamlNode.Scalar s) || s.text() == null) {
                throw NssimgException.usage(where(file, item.line()) + ": " + path + "." + key + " items must be single values");
            }
            out.add(s.text());
        }
        return Located.of(List.copyOf(out), where(file, n.line()));
    }

    private static Map<String, Located<String>> stringMap(YamlNode n, String file, String path) {
        if (n == null) {
            return Map.of();
        }
        YamlNode.Mapping m = mapping(n, file, path);
        Map<String, Located<String>> out = new LinkedHashMap<>();
        for (var e : m.entries().entrySet()) {
            if (!(e.getValue() instanceof YamlNode.Scalar s) || s.text() == null) {
                throw NssimgException.usage(where(file, e.getValue().line()) + ": " + path + "." + e.getKey()
                        + " must be a single value");
            }
            out.put(e.getKey(), Located.of(s.text(), where(file, m.keyLines().get(e.getKey()))));
        }
        return out;
    }

    private static int lineOf(Located<?> l) {
        String o = l.origin();
        return Integer.parseInt(o.substring(o.lastIndexOf(':') + 1));
    }
}
