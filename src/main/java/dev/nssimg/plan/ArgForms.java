package dev.nssimg.plan;

import dev.nssimg.dockerfile.DockerfileInfo;
import dev.nssimg.error.NssimgException;
import dev.nssimg.profile.BuildArgs;
import dev.nssimg.profile.Located;
import dev.nssimg.profile.Validation;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The form of a build argument's value, checked where the Dockerfile shows how it is used, and only where nssimg
 * knows the use fails otherwise: the repository's own files decide, not a table of what nssimg expects.
 *
 * <ul>
 *   <li>A value that ends up in a {@code FROM} must give a valid image reference after expansion.
 *   <li>A value in an {@code nvidia/cuda} base's tag must fit that image's tag scheme ({@code X.Y.Z-TYPE-ubuntuNN.NN}).
 *   <li>{@code CUDA_ARCH_FLAGS}, where the Dockerfile declares it, is an nvcc SM list; compared with {@code CUDA_VERSION}
 *       only where the Dockerfile declares both.
 * </ul>
 *
 * A Dockerfile's own default is never refused on these grounds: the repository builds with it. Only values nssimg
 * passes (profiles, environment, flags) are checked, each named by its origin.
 */
public final class ArgForms {
    private static final Pattern SEMVER = Pattern.compile("\\d+\\.\\d+\\.\\d+");
    private static final Pattern UBUNTU = Pattern.compile("\\d{2}\\.\\d{2}");
    /** The image types of nvidia/cuda's tags. */
    private static final List<String> CUDA_TYPES = List.of("runtime", "devel", "base", "cudnn-runtime", "cudnn-devel");
    /** $NAME, ${NAME}, ${NAME:-word} and ${NAME-word}: group 1 or 4 is the name, 2 the operator, 3 the word. */
    private static final Pattern REFERENCE = Pattern.compile(
            "\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?}|([A-Za-z_][A-Za-z0-9_]*))");

    private ArgForms() {}

    /**
     * Checks the values a build of df passes. passed: what nssimg sends (profile, environment, flags), each located;
     * defaults: the Dockerfile's own ARG defaults for the stage built, which fill in what is not passed.
     */
    public static void check(DockerfileInfo df, Map<String, Located<String>> defaults, Map<String, Located<String>> passed) {
        List<Problem> found = problems(df, defaults, passed);
        if (!found.isEmpty()) {
            throw NssimgException.usage(found.get(0).message());
        }
    }

    /** A value that would fail, and the Dockerfile line that uses it (0 when no single line does). */
    public record Problem(int line, String message) {}

    /** Every value of check's that would fail, in the Dockerfile's order. */
    public static List<Problem> problems(DockerfileInfo df, Map<String, Located<String>> defaults, Map<String, Located<String>> passed) {
        List<Problem> out = new java.util.ArrayList<>();
        Map<String, Located<String>> effective = new LinkedHashMap<>(defaults);
        effective.putAll(passed);
        // A FROM sees the global ARGs only: a passed value, else the default, expanded with the ARGs before it
        // (PYTHON_IMAGE=python:${PYTHON_VERSION}-slim). passedIn: the passed names each value comes from.
        Map<String, String> fromScope = new LinkedHashMap<>();
        Map<String, Set<String>> passedIn = new LinkedHashMap<>();
        for (String name : df.globalArgs().keySet()) {
            if (passed.containsKey(name)) {
                fromScope.put(name, passed.get(name).value());
                passedIn.put(name, Set.of(name));
            } else if (df.argDefaults().containsKey(name)) {
                List<String> used = new java.util.ArrayList<>();
                String v = expand(df.argDefaults().get(name).value(), fromScope, used);
                fromScope.put(name, v == null ? df.argDefaults().get(name).value() : v);
                Set<String> from = new LinkedHashSet<>();
                used.forEach(u -> from.addAll(passedIn.getOrDefault(u, Set.of())));
                passedIn.put(name, from);
            }
        }
        Set<String> stageNames = new LinkedHashSet<>();
        for (DockerfileInfo.Stage s : df.stages()) {
            if (s.base().contains("$")) {
                String why = fromLine(df, s, fromScope, passedIn, passed, stageNames);
                if (why != null) {
                    out.add(new Problem(s.line(), why));
                }
            }
            stageNames.add(s.name().toLowerCase(java.util.Locale.ROOT));
        }
        Set<String> declared = df.declaredArgs();
        Located<String> flags = passed.get(BuildArgs.CUDA_ARCH_FLAGS);
        int flagsLine = df.argDefaults().containsKey(BuildArgs.CUDA_ARCH_FLAGS) ? df.argDefaults().get(BuildArgs.CUDA_ARCH_FLAGS).line() : 0;
        if (flags != null && declared.contains(BuildArgs.CUDA_ARCH_FLAGS) && !flags.value().contains("$")) {
            try {
                Validation.archFlags(flags);
            } catch (NssimgException e) {
                out.add(new Problem(flagsLine, e.getMessage()));
                return out;
            }
        }
        Located<String> cuda = effective.get(BuildArgs.CUDA_VERSION);
        Located<String> sms = effective.get(BuildArgs.CUDA_ARCH_FLAGS);
        if (cuda != null && sms != null && declared.contains(BuildArgs.CUDA_VERSION) && declared.contains(BuildArgs.CUDA_ARCH_FLAGS)
                && (passed.containsKey(BuildArgs.CUDA_VERSION) || passed.containsKey(BuildArgs.CUDA_ARCH_FLAGS))
                && SEMVER.matcher(cuda.value()).matches() && !sms.value().contains("$")) {
            try {
                Validation.archFlagsForCuda(sms, cuda);
            } catch (NssimgException e) {
                out.add(new Problem(flagsLine, e.getMessage()));
            }
        }
        return out;
    }

    /**
     * Values of build arguments the Dockerfile hands to {@code uv sync --extra} (or pip's {@code .[...]}) that are not
     * extras of the project's pyproject.toml: uv would fail on them. extras: the pyproject's optional-dependencies, or
     * null when the context has none that nssimg can read (then nothing is checked).
     */
    public static List<Problem> extraProblems(DockerfileInfo df, Map<String, Located<String>> passed, java.util.Set<String> extras) {
        List<Problem> out = new java.util.ArrayList<>();
        if (extras == null) {
            return out;
        }
        df.extraArgs().forEach((name, line) -> {
            Located<String> v = passed.get(name);
            if (v != null && !v.value().contains("$") && !extras.contains(v.value())) {
                out.add(new Problem(line, v.origin() + ": " + name + "='" + v.value()
                        + "' is not an extra of the project's pyproject.toml (" + String.join(", ", extras)
                        + "): uv sync --extra " + v.value() + " would fail (" + df.file() + ":" + line + ")"));
            }
        });
        return out;
    }

    /** A FROM whose base uses build arguments: the reference it expands to, and nvidia/cuda's tag scheme; null when fine. */
    private static String fromLine(DockerfileInfo df, DockerfileInfo.Stage s, Map<String, String> scope,
            Map<String, Set<String>> passedIn, Map<String, Located<String>> passed, Set<String> earlierStages) {
        List<String> used = new java.util.ArrayList<>();
        String base = expand(s.base(), scope, used);
        Set<String> from = new LinkedHashSet<>();
        used.forEach(u -> from.addAll(passedIn.getOrDefault(u, Set.of())));
        List<String> ours = List.copyOf(from);
        if (base == null || ours.isEmpty()) {
            return null; // a form nssimg does not expand, or only the Dockerfile's own defaults
        }
        String where = "FROM " + base + " (" + df.file() + ":" + s.line() + ")";
        if (earlierStages.contains(base.toLowerCase(java.util.Locale.ROOT))) {
            return null; // an earlier stage by name
        }
        if (!Validation.isImageRef(base)) {
            Located<String> v = passed.get(ours.get(0));
            return v.origin() + ": " + ours.get(0) + "='" + v.value() + "' makes " + where + " an invalid image reference";
        }
        String repo = base.replaceFirst("@.*$", "").replaceFirst(":[^:/]*$", "");
        if (!(repo.equals("nvidia/cuda") || repo.endsWith("/nvidia/cuda"))) {
            return null;
        }
        for (String name : ours) {
            Located<String> v = passed.get(name);
            String why = switch (name) {
                case BuildArgs.CUDA_VERSION -> SEMVER.matcher(v.value()).matches() ? null : "must look like X.Y.Z, e.g. 12.8.1";
                case BuildArgs.UBUNTU_VERSION -> UBUNTU.matcher(v.value()).matches() ? null : "must look like NN.NN, e.g. 22.04";
                case BuildArgs.CUDA_IMAGE_TYPE -> CUDA_TYPES.contains(v.value()) ? null
                        : "must be one of " + String.join(", ", CUDA_TYPES);
                default -> null;
            };
            if (why != null) {
                return v.origin() + ": " + name + "='" + v.value() + "' " + why + " for nvidia/cuda's tags (" + where + ")";
            }
        }
        return null;
    }

    /**
     * text with the values of scope put in (a name scope lacks is empty, as BuildKit makes an undeclared one); the
     * names used are added to used. Null when text uses a form other than $NAME, ${NAME}, ${NAME:-word} and
     * ${NAME-word}.
     */
    static String expand(String text, Map<String, String> scope, List<String> used) {
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(4);
            String value = scope.get(name);
            used.add(name);
            String op = m.group(2);
            if (op != null && (value == null || (op.equals(":-") && value.isEmpty()))) {
                value = m.group(3);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : value));
        }
        m.appendTail(out);
        String s = out.toString();
        return s.contains("$") ? null : s;
    }
}
