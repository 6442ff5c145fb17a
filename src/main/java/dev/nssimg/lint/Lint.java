package dev.nssimg.lint;

import dev.nssimg.dockerfile.DockerfileInfo;
import dev.nssimg.dockerfile.Instruction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lint of `nssimg check`: what the BuildKit here (0.13, without build checks) lets through and then fails on, or
 * builds differently from podman. Pure: a parsed Dockerfile in, findings out, in line order.
 */
public final class Lint {
    /** BuildKit's automatic platform arguments: in scope for FROM lines, in a stage only when it declares them. */
    public static final Set<String> PLATFORM_ARGS = Set.of("TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
            "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT");
    private static final Pattern REFERENCE = Pattern.compile("\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)[^}]*}|([A-Za-z_][A-Za-z0-9_]*))");
    private static final Pattern FROM_FLAG = Pattern.compile("--from=(\\S+)");
    private static final Pattern MOUNT_FROM = Pattern.compile("--mount=(\\S+)");
    private static final Pattern SECRET = Pattern.compile(
            "(?i)(^|_)(TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?)(_|$)|(^|_)(API|ACCESS|PRIVATE|SECRET|AUTH|INFERENCE)_?KEY$");

    /** What the build asks for: the target (null: the default stage) and the stage names something else targets. */
    public record Scope(String target, Set<String> targeted, Engine building) {
        public Scope {
            targeted = Set.copyOf(targeted);
        }
    }

    private Lint() {}

    public static List<Finding> check(DockerfileInfo df, Scope scope) {
        List<Finding> out = new ArrayList<>();
        Emit emit = (line, rule, message) -> {
            String engines = rule.engines();
            out.add(new Finding(line > 0 ? df.file() : "flag --target", line, rule.id(), rule.severityFor(scope.building()),
                    message + (engines.isEmpty() ? "" : " (" + engines + ")")));
        };
        globalPlatformArgs(df, emit);
        secretNames(df, emit);
        Map<String, Set<String>> scopes = new HashMap<>();
        for (DockerfileInfo.Stage stage : df.stages()) {
            fromVariables(stage, emit);
            scopes.put(stage.name(), undeclaredArgs(df, stage, scopes, emit));
        }
        Set<String> used = new HashSet<>();
        boolean basesKnown = true;
        for (DockerfileInfo.Stage stage : df.stages()) {
            String base = expandGlobal(df, stage.base());
            basesKnown &= !base.contains("$");
            used.add(base.toLowerCase(Locale.ROOT));
            used.addAll(references(stage));
        }
        if (basesKnown) { // a FROM ${VAR} that the defaults do not settle may name any stage
            unusedStages(df, scope, used, emit);
        }
        if (scope.target() != null && df.stage(scope.target()).isEmpty()) {
            emit.add(0, Rule.UNKNOWN_TARGET, "'" + scope.target() + "' names no stage of " + df.file() + "; stages: "
                    + (df.namedStages().isEmpty() ? "none named" : String.join(", ", df.namedStages())));
        }
        out.sort(Comparator.comparingInt(Finding::line));
        return out;
    }

    public static boolean hasErrors(List<Finding> findings) {
        return findings.stream().anyMatch(f -> f.severity() == Severity.ERROR);
    }

    @FunctionalInterface
    private interface Emit {
        void add(int line, Rule rule, String message);
    }

    /**
     * A global platform ARG used by a later FROM: without a default BuildKit 0.13 builds FROM "image:", with one every
     * platform gets that value (both seen here); a stage's ARG TARGETARCH=VALUE freezes it in that stage.
     */
    private static void globalPlatformArgs(DockerfileInfo df, Emit emit) {
        for (Instruction ins : df.globalInstructions()) {
            for (String word : words(ins)) {
                String name = nameOf(word);
                if (!PLATFORM_ARGS.contains(name)) {
                    continue;
                }
                for (DockerfileInfo.Stage s : df.stages()) {
                    Instruction from = s.instructions().get(0);
                    if (from.line() > ins.line() && names(from.rest()).contains(name)) {
                        emit.add(ins.line(), Rule.GLOBAL_PLATFORM_ARG, "global ARG " + word + " and FROM at line " + from.line()
                                + " uses it: " + (word.contains("=") ? "its default replaces the automatic value, so every"
                                + " platform builds from the same base" : "without a default BuildKit expands it empty")
                                + "; drop this ARG, the automatic value is in scope for FROM lines");
                        break;
                    }
                }
            }
        }
        for (DockerfileInfo.Stage s : df.stages()) {
            for (Instruction ins : s.instructions()) {
                if (!ins.keyword().equals("ARG")) {
                    continue;
                }
                for (String word : words(ins)) {
                    int eq = word.indexOf('=');
                    if (eq > 0 && PLATFORM_ARGS.contains(word.substring(0, eq))) {
                        emit.add(ins.line(), Rule.PLATFORM_ARG_DEFAULT, "ARG " + word + " replaces BuildKit's automatic value"
                                + " in stage " + s.name() + " on every platform; declare it without a default");
                    }
                }
            }
        }
    }

    private static void secretNames(DockerfileInfo df, Emit emit) {
        List<Instruction> all = new ArrayList<>(df.globalInstructions());
        df.stages().forEach(s -> all.addAll(s.instructions()));
        for (Instruction ins : all) {
            if (!ins.keyword().equals("ARG") && !ins.keyword().equals("ENV")) {
                continue;
            }
            for (String word : words(ins)) {
                String name = nameOf(word);
                if (ins.keyword().equals("ENV") && !word.contains("=")) { // legacy ENV NAME value: only the first word
                    name = words(ins).get(0);
                }
                if (!name.isEmpty() && SECRET.matcher(name).find()) {
                    emit.add(ins.line(), Rule.SECRET_NAME, ins.keyword() + " " + name + " looks like a secret; its value would stay"
                            + " in the image's " + (ins.keyword().equals("ENV") ? "config" : "history")
                            + ": pass it with --secret id=" + name + ",env=" + name + " and RUN --mount=type=secret,id=" + name);
                    break;
                }
                if (ins.keyword().equals("ENV") && !word.contains("=")) {
                    break;
                }
            }
        }
    }

    private static void fromVariables(DockerfileInfo.Stage stage, Emit emit) {
        for (Instruction ins : stage.instructions()) {
            String kw = ins.keyword();
            if (kw.equals("COPY") || kw.equals("ADD")) {
                Matcher m = FROM_FLAG.matcher(ins.rest());
                if (m.find() && m.group(1).contains("$")) {
                    emit.add(ins.line(), Rule.FROM_VARIABLE, kw + " --from=" + m.group(1) + ": BuildKit does not expand variables"
                            + " in --from and fails with 'invalid reference format'; name the image in a stage"
                            + " (FROM IMAGE:${VAR} AS NAME) and copy --from=NAME");
                }
            } else if (kw.equals("RUN")) {
                Matcher m = MOUNT_FROM.matcher(ins.rest());
                while (m.find()) {
                    for (String opt : m.group(1).split(",")) {
                        if (opt.startsWith("from=") && opt.contains("$")) {
                            emit.add(ins.line(), Rule.FROM_VARIABLE, "RUN --mount=..." + opt + ": BuildKit does not expand"
                                    + " variables in a mount's from; name the image in a stage and mount from=NAME");
                        }
                    }
                }
            }
        }
    }

    /**
     * Build arguments referenced in the stage's instructions (after FROM) that are declared somewhere in the file but
     * not in scope here: neither declared in this stage before the use nor inherited from the parent stage, nor set
     * by ENV. Returns the stage's scope at its end, for the stages built FROM it.
     */
    private static Set<String> undeclaredArgs(DockerfileInfo df, DockerfileInfo.Stage stage, Map<String, Set<String>> scopes,
            Emit emit) {
        Set<String> known = new HashSet<>(df.declaredArgs());
        known.addAll(PLATFORM_ARGS);
        Set<String> scope = new HashSet<>(scopes.getOrDefault(stage.base().toLowerCase(Locale.ROOT), Set.of()));
        DockerfileInfo.Stage parent = df.stage(stage.base()).orElse(null);
        if (parent != null && parent.line() < stage.line()) {
            scope.addAll(parent.env().keySet());
        }
        List<Instruction> body = stage.instructions().subList(1, stage.instructions().size());
        for (Instruction ins : body) {
            switch (ins.keyword()) {
                case "ARG" -> {
                    words(ins).forEach(w -> scope.add(nameOf(w)));
                    continue;
                }
                case "ENV" -> scope.addAll(envNames(ins));
                default -> { }
            }
            Set<String> reported = new LinkedHashSet<>();
            for (String name : names(ins.rest())) {
                if (known.contains(name) && !scope.contains(name) && !assigns(ins, name) && reported.add(name)) {
                    if (parent == null && !stage.base().equalsIgnoreCase("scratch") && !PLATFORM_ARGS.contains(name)) {
                        emit.add(ins.line(), Rule.UNDECLARED_ARG_OVER_BASE, ins.keyword() + " uses " + name + ", which stage "
                                + stage.name() + " does not declare: it is the base image's ENV if " + stage.base()
                                + " sets one, else empty; add ARG " + name + " to the stage to use the build argument");
                    } else {
                        emit.add(ins.line(), Rule.UNDECLARED_ARG, ins.keyword() + " uses " + name + ", which stage " + stage.name()
                                + " does not declare, so it is empty here; add ARG " + name + " to the stage");
                    }
                }
            }
        }
        return scope;
    }

    /** An ARG or ENV instruction's words (NAME or NAME=VALUE each). */
    private static List<String> words(Instruction ins) {
        return List.of(ins.rest().trim().split("\\s+"));
    }

    /** NAME of NAME=VALUE, or the word itself. */
    private static String nameOf(String word) {
        int eq = word.indexOf('=');
        return eq < 0 ? word : word.substring(0, eq);
    }

    /** A RUN that sets the name itself (NAME=..., for NAME in, read NAME) uses its own value, not an ARG's. */
    private static boolean assigns(Instruction ins, String name) {
        String q = Pattern.quote(name);
        return ins.keyword().equals("RUN") && Pattern.compile("(^|[\\s;&|(])(export\\s+)?" + q + "=|\\bfor\\s+" + q
                + "\\s+in\\b|\\bread\\s+(-r\\s+)?" + q + "\\b").matcher(ins.rest()).find();
    }

    /** The names an ENV sets: NAME=VALUE pairs, or the legacy ENV NAME value's first word. */
    private static Set<String> envNames(Instruction ins) {
        List<String> ws = words(ins);
        if (!ws.get(0).contains("=")) {
            return Set.of(ws.get(0));
        }
        Set<String> out = new HashSet<>();
        ws.stream().filter(w -> w.contains("=")).forEach(w -> out.add(nameOf(w)));
        return out;
    }

    /** The variable names text refers to ($NAME, ${NAME}, ${NAME:-x}); escaped \$ is not a reference. */
    static Set<String> names(String text) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = REFERENCE.matcher(text);
        while (m.find()) {
            if (m.start() > 0 && text.charAt(m.start() - 1) == '\\') {
                continue;
            }
            out.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return out;
    }

    /** A FROM's base with the global ARG defaults put in (a build may pass others: this is the default build). */
    private static String expandGlobal(DockerfileInfo df, String base) {
        Matcher m = REFERENCE.matcher(base);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            DockerfileInfo.ArgDefault d = df.argDefaults().get(name);
            m.appendReplacement(out, Matcher.quoteReplacement(d != null ? d.value() : m.group()));
        }
        return m.appendTail(out).toString();
    }

    /** The stages a stage copies or mounts from: by name, or by index for unnamed ones. */
    static Set<String> references(DockerfileInfo.Stage stage) {
        Set<String> out = new HashSet<>();
        for (Instruction ins : stage.instructions()) {
            Matcher m = FROM_FLAG.matcher(ins.rest());
            if ((ins.keyword().equals("COPY") || ins.keyword().equals("ADD")) && m.find()) {
                out.add(m.group(1).toLowerCase(Locale.ROOT));
            }
            Matcher mount = MOUNT_FROM.matcher(ins.rest());
            while (ins.keyword().equals("RUN") && mount.find()) {
                for (String opt : mount.group(1).split(",")) {
                    if (opt.startsWith("from=")) {
                        out.add(opt.substring("from=".length()).toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
        return out;
    }

    private static void unusedStages(DockerfileInfo df, Scope scope, Set<String> used, Emit emit) {
        Set<String> targeted = new HashSet<>();
        scope.targeted().forEach(t -> targeted.add(t.toLowerCase(Locale.ROOT)));
        if (scope.target() != null) {
            targeted.add(scope.target().toLowerCase(Locale.ROOT));
        }
        List<DockerfileInfo.Stage> stages = df.stages();
        for (int i = 0; i < stages.size() - 1; i++) { // the last stage is what a build without --target makes
            DockerfileInfo.Stage s = stages.get(i);
            if (!used.contains(s.name()) && !targeted.contains(s.name())) {
                emit.add(s.line(), Rule.UNUSED_STAGE, "stage " + (s.named() ? s.name() : "#" + i) + " is neither a target nor"
                        + " used by another stage (FROM, COPY --from, RUN --mount from=); BuildKit skips it");
            }
        }
    }
}
