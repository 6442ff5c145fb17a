package dev.nssimg.dockerfile;

import dev.nssimg.error.NssimgException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What nssimg needs to know of a Dockerfile: its stages, declared build
 * arguments (with defaults), and each stage's effective labels, env, user and
 * entrypoint (inherited through {@code FROM <stage>}). A reader, not an
 * evaluator: values keep their ${VAR} references.
 */
public record DockerfileInfo(String file, Map<String, String> globalArgs, List<Stage> stages, Map<String, ArgDefault> argDefaults,
        List<Instruction> globalInstructions) {

    /**
     * A stage; named is false for one without AS NAME (its name is then its index, which BuildKit does not look up).
     * argDefaults: the defaults its own ARG instructions give (they beat the global ones in this stage).
     * instructions: its own, FROM first (env holds the ENV values in effect, a parent stage's included).
     * entrypoint: null when neither it nor a parent stage declares one (the base image's applies).
     * labelDecls: where each label in effect was declared, for expanding it in that stage's scope.
     */
    public record Stage(String name, boolean named, String base, int line, Map<String, String> args, Map<String, String> labels,
            Map<String, String> env, String user, List<String> entrypoint, List<String> cmd, Map<String, ArgDefault> argDefaults,
            List<Instruction> instructions, Map<String, LabelDecl> labelDecls) {

        /** Its own instructions that make an entry in the built image's history: all but FROM and ARG. */
        public List<Step> steps() {
            return instructions.stream().filter(i -> !i.keyword().equals("FROM") && !i.keyword().equals("ARG"))
                    // For display: runs of blanks (from joined continuation lines) as one.
                    .map(i -> new Step(i.keyword(), (i.keyword() + " " + i.rest()).strip().replaceAll("\\s+", " "), i.line()))
                    .toList();
        }
    }

    /** An instruction as a step of an image's history: keyword, the instruction on one line, and its first line. */
    public record Step(String keyword, String text, int line) {}

    /**
     * A label's declaration: its stage, and whether its text had a $ that Docker keeps literally (escaped \$ or inside
     * single quotes), so that it must not be expanded.
     */
    public record LabelDecl(String stage, boolean literalDollar) {}

    /** An ARG's default as the Dockerfile declares it, and its line. */
    public record ArgDefault(String name, String value, int line) {}

    public DockerfileInfo {
        globalArgs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(globalArgs)); // ARG without default maps to null
        stages = List.copyOf(stages);
        argDefaults = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(argDefaults));
        globalInstructions = List.copyOf(globalInstructions);
    }

    private static final java.util.regex.Pattern EXTRA_ARG = java.util.regex.Pattern.compile(
            "--extra(?:=|\\s+)[\"']?\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?[\"']?");

    /**
     * The build arguments a RUN hands to {@code uv sync --extra} ({@code --extra "${CONTAINER_EXTRA}"}): the variant
     * arguments of a Dockerfile whose GPU flavour is a Python extra, each with the first line that uses it.
     */
    public Map<String, Integer> extraArgs() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Stage s : stages) {
            for (Instruction ins : s.instructions()) {
                if (ins.keyword().equals("RUN")) {
                    java.util.regex.Matcher m = EXTRA_ARG.matcher(ins.rest());
                    while (m.find()) {
                        out.putIfAbsent(m.group(1), ins.line());
                    }
                }
            }
        }
        return out;
    }

    public List<String> stageNames() {
        return stages.stream().map(Stage::name).toList();
    }

    /** The names a --target may use (BuildKit looks stages up by name only). */
    public List<String> namedStages() {
        return stages.stream().filter(Stage::named).map(Stage::name).toList();
    }

    /** The stage of that name, compared as BuildKit does (case-insensitively); unnamed stages are never found. */
    public Optional<Stage> stage(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        return stages.stream().filter(s -> s.named() && s.name().equals(n)).findFirst();
    }

    /**
     * The defaults a build of that stage starts from, as BuildKit sees them: the global ARGs before the first FROM
     * (a later declaration with a value replaces an earlier one), then the stage's own ARG defaults.
     */
    public Map<String, ArgDefault> argDefaults(Stage stage) {
        Map<String, ArgDefault> out = new LinkedHashMap<>(argDefaults);
        out.putAll(stage.argDefaults());
        return out;
    }

    /**
     * The steps an image of that stage is made of, in order: those of the stages it extends (FROM STAGE), then its
     * own. The steps of an external base image are not here: its layers come first in the image.
     */
    public List<Step> steps(Stage stage) {
        List<Step> out = new ArrayList<>();
        stages.stream().filter(s -> s.named() && s.name().equals(stage.base().toLowerCase(java.util.Locale.ROOT))
                && stages.indexOf(s) < stages.indexOf(stage)).findFirst().ifPresent(parent -> out.addAll(steps(parent)));
        out.addAll(stage.steps());
        return out;
    }

    /**
     * The ARG names in scope at the end of a stage: its own and, for a stage built FROM another stage, that stage's
     * (BuildKit passes both build arguments and ENV on to a child stage).
     */
    public Set<String> argsInScope(Stage stage) {
        Set<String> out = new LinkedHashSet<>(stage.args().keySet());
        Optional<Stage> parent = stage(stage.base()).filter(p -> p.line() < stage.line());
        parent.ifPresent(p -> out.addAll(argsInScope(p)));
        return out;
    }

    public Optional<Stage> stageNamed(String name) {
        return stages.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The stage a build without --target builds: the last one. */
    public Stage defaultStage() {
        return stages.get(stages.size() - 1);
    }

    /** Every ARG name declared anywhere in the file. */
    public Set<String> declaredArgs() {
        Set<String> out = new LinkedHashSet<>(globalArgs.keySet());
        stages.forEach(s -> out.addAll(s.args().keySet()));
        return out;
    }

    public static DockerfileInfo read(Path path, String displayName) {
        try {
            return parse(Files.readString(path), displayName);
        } catch (NoSuchFileException e) {
            throw NssimgException.usage(displayName + ": Dockerfile not found");
        } catch (IOException e) {
            throw NssimgException.usage(displayName + ": cannot read: " + e.getMessage());
        }
    }

    public static DockerfileInfo parse(String text, String file) {
        Map<String, String> globalArgs = new LinkedHashMap<>();
        Map<String, ArgDefault> defaults = new LinkedHashMap<>();
        List<Stage> stages = new ArrayList<>();
        List<Instruction> global = new ArrayList<>();
        Builder cur = null;
        for (Instruction ins : Instruction.split(text, file)) {
            String kw = ins.keyword();
            if (kw.equals("FROM")) {
                if (cur != null) {
                    stages.add(cur.build());
                }
                cur = from(ins, stages, file);
                cur.instructions.add(ins);
                continue;
            }
            if (cur == null) {
                if (kw.equals("ARG")) {
                    global.add(ins);
                    globalArgs.putAll(args(ins, file, defaults));
                    continue;
                }
                throw NssimgException.usage(file + ":" + ins.line() + ": " + kw + " before the first FROM");
            }
            cur.instructions.add(ins);
            switch (kw) {
                case "ARG" -> cur.args.putAll(args(ins, file, cur.argDefaults));
                case "LABEL" -> {
                    Map<String, String> declared = Words.assignments(ins.rest(), false, ins.line(), file);
                    cur.labels.putAll(declared);
                    // Per label: one LABEL often declares them all, and only some keep a literal $.
                    java.util.Set<String> literal = Words.literalDollars(ins.rest());
                    for (String k : declared.keySet()) {
                        cur.labelDecls.put(k, new LabelDecl(cur.name, literal.contains(k)));
                    }
                }
                case "ENV" -> cur.env.putAll(Words.env(ins.rest(), ins.line(), file));
                case "USER" -> cur.user = ins.rest().trim();
                case "ENTRYPOINT" -> {
                    cur.entrypoint = Words.execForm(ins.rest());
                    if (!cur.cmdHere) {
                        cur.cmd = List.of(); // ENTRYPOINT resets an inherited CMD, not one this stage set
                    }
                }
                case "CMD" -> {
                    cur.cmd = Words.execForm(ins.rest());
                    cur.cmdHere = true;
                }
                default -> { }
            }
        }
        if (cur != null) {
            stages.add(cur.build());
        }
        if (stages.isEmpty()) {
            throw NssimgException.usage(file + ": no FROM instruction");
        }
        return new DockerfileInfo(file, globalArgs, stages, defaults, global);
    }

    /** An ARG instruction's names and defaults; a default replaces one an earlier ARG of the same scope gave. */
    private static Map<String, String> args(Instruction ins, String file, Map<String, ArgDefault> defaults) {
        Map<String, String> declared = Words.assignments(ins.rest(), true, ins.line(), file);
        declared.forEach((k, v) -> {
            if (v != null) {
                defaults.put(k, new ArgDefault(k, v, ins.line()));
            }
        });
        return declared;
    }

    private static Builder from(Instruction ins, List<Stage> previous, String file) {
        List<String> words = new ArrayList<>();
        for (String w : ins.rest().trim().split("\\s+")) {
            if (!w.startsWith("--")) {
                words.add(w);
            }
        }
        if (words.isEmpty()) {
            throw NssimgException.usage(file + ":" + ins.line() + ": FROM without an image");
        }
        String base = words.get(0);
        String name = String.valueOf(previous.size());
        boolean named = words.size() >= 3 && words.get(1).equalsIgnoreCase("AS");
        if (named) {
            name = words.get(2).toLowerCase(java.util.Locale.ROOT);
        }
        Builder b = new Builder(name, named, base, ins.line());
        previous.stream().filter(s -> s.named() && s.name().equals(base.toLowerCase(java.util.Locale.ROOT))).findFirst().ifPresent(parent -> {
            b.labels.putAll(parent.labels());
            b.labelDecls.putAll(parent.labelDecls());
            b.env.putAll(parent.env());
            b.user = parent.user();
            b.entrypoint = parent.entrypoint();
            b.cmd = parent.cmd();
        });
        return b;
    }

    private static final class Builder {
        final String name;
        final boolean named;
        final String base;
        final int line;
        final Map<String, String> args = new LinkedHashMap<>();
        final Map<String, ArgDefault> argDefaults = new LinkedHashMap<>();
        final List<Instruction> instructions = new ArrayList<>();
        final Map<String, String> labels = new LinkedHashMap<>();
        final Map<String, LabelDecl> labelDecls = new LinkedHashMap<>();
        boolean cmdHere;
        final Map<String, String> env = new LinkedHashMap<>();
        String user;
        List<String> entrypoint;
        List<String> cmd = List.of();

        Builder(String name, boolean named, String base, int line) {
            this.name = name;
            this.named = named;
            this.base = base;
            this.line = line;
        }

        Stage build() {
            return new Stage(name, named, base, line, java.util.Collections.unmodifiableMap(args), java.util.Collections.unmodifiableMap(labels),
                    java.util.Collections.unmodifiableMap(env), user, entrypoint, cmd, java.util.Collections.unmodifiableMap(argDefaults),
                    List.copyOf(instructions), java.util.Collections.unmodifiableMap(labelDecls));
        }
    }
}
