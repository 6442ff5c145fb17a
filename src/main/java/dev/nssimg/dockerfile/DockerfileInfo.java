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
public record DockerfileInfo(String file, Map<String, String> globalArgs, List<Stage> stages) {

    public record Stage(String name, String base, int line, Map<String, String> args, Map<String, String> labels,
            Map<String, String> env, String user, List<String> entrypoint, List<String> cmd) {}

    public DockerfileInfo {
        globalArgs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(globalArgs)); // ARG without default maps to null
        stages = List.copyOf(stages);
    }

    public List<String> stageNames() {
        return stages.stream().map(Stage::name).toList();
    }

    public Optional<Stage> stage(String name) {
        return stages.stream().filter(s -> s.name().equals(name)).findFirst();
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
        List<Stage> stages = new ArrayList<>();
        Builder cur = null;
        for (Instruction ins : Instruction.split(text, file)) {
            String kw = ins.keyword();
            if (kw.equals("FROM")) {
                if (cur != null) {
                    stages.add(cur.build());
                }
                cur = from(ins, stages, file);
                continue;
            }
            if (cur == null) {
                if (kw.equals("ARG")) {
                    globalArgs.putAll(Words.assignments(ins.rest(), true, ins.line(), file));
                    continue;
                }
                throw NssimgException.usage(file + ":" + ins.line() + ": " + kw + " before the first FROM");
            }
            switch (kw) {
                case "ARG" -> cur.args.putAll(Words.assignments(ins.rest(), true, ins.line(), file));
                case "LABEL" -> cur.labels.putAll(Words.assignments(ins.rest(), false, ins.line(), file));
                case "ENV" -> cur.env.putAll(Words.env(ins.rest(), ins.line(), file));
                case "USER" -> cur.user = ins.rest().trim();
                case "ENTRYPOINT" -> {
                    cur.entrypoint = Words.execForm(ins.rest());
                    cur.cmd = List.of(); // ENTRYPOINT resets an inherited CMD
                }
                case "CMD" -> cur.cmd = Words.execForm(ins.rest());
                default -> { }
            }
        }
        if (cur != null) {
            stages.add(cur.build());
        }
        if (stages.isEmpty()) {
            throw NssimgException.usage(file + ": no FROM instruction");
        }
        return new DockerfileInfo(file, globalArgs, stages);
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
        if (words.size() >= 3 && words.get(1).equalsIgnoreCase("AS")) {
            name = words.get(2).toLowerCase(java.util.Locale.ROOT);
        }
        Builder b = new Builder(name, base, ins.line());
        previous.stream().filter(s -> s.name().equals(base)).findFirst().ifPresent(parent -> {
            b.labels.putAll(parent.labels());
            b.env.putAll(parent.env());
            b.user = parent.user();
            b.entrypoint = parent.entrypoint();
            b.cmd = parent.cmd();
        });
        return b;
    }

    private static final class Builder {
        final String name;
        final String base;
        final int line;
        final Map<String, String> args = new LinkedHashMap<>();
        final Map<String, String> labels = new LinkedHashMap<>();
        final Map<String, String> env = new LinkedHashMap<>();
        String user;
        List<String> entrypoint = List.of();
        List<String> cmd = List.of();

        Builder(String name, String base, int line) {
            this.name = name;
            this.base = base;
            this.line = line;
        }

        Stage build() {
            return new Stage(name, base, line, java.util.Collections.unmodifiableMap(args), java.util.Collections.unmodifiableMap(labels),
                    java.util.Collections.unmodifiableMap(env), user, entrypoint, cmd);
        }
    }
}
