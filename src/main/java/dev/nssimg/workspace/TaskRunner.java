package dev.nssimg.workspace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The repository's own task runner, read statically (nothing is run; mise need not be installed): mise tasks (file
 * tasks under .mise/tasks, with their {@code #MISE alias=}, and the TOML tasks that {@code [task_config] includes} and
 * {@code [tasks]} declare), else the Makefile. From its container tasks nssimg takes which environment variables
 * become which build arguments ({@code --build-arg NAME=${VAR:-default}}) and the run tasks' default commands.
 *
 * <p>When both define the container targets, mise wins (upstream's documentation names only mise tasks), and
 * {@link #notes} says the Makefile was not read.
 */
public record TaskRunner(Kind kind, List<String> read, List<Task> tasks, List<String> notes) {
    public enum Kind {
        MISE("mise"), MAKE("make"), NONE("none");

        private final String word;

        Kind(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    /** The container targets' names (mise aliases, Makefile targets). */
    public static final String BUILD_GPU = "container-build-gpu";
    public static final String BUILD_GPU_DEV = "container-build-gpu-dev";
    public static final String BUILD_GPU_MULTIARCH = "container-build-gpu-multiarch";
    public static final String RUN_GPU = "container-run-gpu";
    public static final String RUN_GPU_DEV = "container-run-gpu-dev";
    public static final String TEST_CI = "test-ci-container";

    /** A task: its name (mise's, or the Makefile target), alias, and its lines with where each is. */
    public record Task(String name, String alias, List<Line> lines) {
        public Task {
            lines = List.copyOf(lines);
        }

        public boolean is(String target) {
            return target.equals(alias) || target.equals(name) || target.equals(name.replace(':', '-'));
        }
    }

    /** One line of a task, and where it is (FILE:LINE, relative to the repository root). */
    public record Line(String text, String origin) {}

    /** A build argument a build task passes, with its value's expression (${VAR:-default}) and where. */
    public record ArgFromEnv(String arg, String expression, String origin) {}

    public TaskRunner {
        read = List.copyOf(read);
        tasks = List.copyOf(tasks);
        notes = List.copyOf(notes);
    }

    private static final Pattern MISE_HEADER = Pattern.compile("^\\s*#\\s*MISE\\s+alias\\s*=\\s*\"([^\"]*)\"");
    private static final Pattern BUILD_ARG = Pattern.compile("--build-arg(?:=|\\s+)(?:\"([^\"]*)\"|'([^']*)'|(\\S+))");
    private static final Pattern MISE_RUN = Pattern.compile("\\bmise\\s+run\\s+([A-Za-z0-9_:.\\-]+)");
    private static final Pattern MAKE_DEFAULT = Pattern.compile("\\$\\(or\\s+\\$\\(CMD\\),\\s*([^)]*)\\)");
    private static final Pattern MAKE_TARGET = Pattern.compile("^([A-Za-z0-9_.\\-]+)\\s*:(?!=)");
    private static final List<String> CONTAINER_TARGETS = List.of(BUILD_GPU, BUILD_GPU_DEV, BUILD_GPU_MULTIARCH, RUN_GPU,
            RUN_GPU_DEV, TEST_CI);

    /** Reads the runner of the repository at root; prefer ("mise", "make" or null) chooses when both are there. */
    public static TaskRunner read(Path root, String prefer) {
        List<String> notes = new ArrayList<>();
        List<String> miseRead = new ArrayList<>();
        List<Task> mise = miseTasks(root, miseRead, notes);
        Path makefile = root.resolve("Makefile");
        List<Task> make = Files.isRegularFile(makefile) ? makeTargets(root, makefile) : List.of();
        boolean miseHas = mise.stream().anyMatch(TaskRunner::container);
        boolean makeHas = make.stream().anyMatch(TaskRunner::container);
        if (miseHas && makeHas) {
            if ("make".equals(prefer)) {
                notes.add("the mise tasks were not read: the profile's runner is make");
                return new TaskRunner(Kind.MAKE, List.of("Makefile"), make, notes);
            }
            notes.add("the Makefile was not read: the mise tasks define the container targets too, and mise wins"
                    + " (profile key runner: make chooses the Makefile)");
        }
        TaskRunner chosen = miseHas && !"make".equals(prefer) ? new TaskRunner(Kind.MISE, miseRead, mise, notes)
                : makeHas || !make.isEmpty() ? new TaskRunner(Kind.MAKE, List.of("Makefile"), make, notes)
                : new TaskRunner(Kind.NONE, List.of(), List.of(), notes);
        return chosen.withUnreadableNamed();
    }

    /** This runner, with a note for each build argument whose value it writes in a form nssimg cannot expand. */
    private TaskRunner withUnreadableNamed() {
        List<String> all = new ArrayList<>(notes);
        for (ArgFromEnv a : gpuBuildArgs()) {
            if (expand(a.expression(), Map.of()).isEmpty() || a.expression().contains("{{")) { // $(...), mise's {{env.X}}
                all.add(a.origin() + ": --build-arg " + a.arg() + "=" + a.expression() + " cannot be read (nssimg expands $VAR,"
                        + " ${VAR}, ${VAR:-word} and ${VAR-word}); map its variable with the profile key env-args, or pass --build-arg");
            }
        }
        return all.size() == notes.size() ? this : new TaskRunner(kind, read, tasks, all);
    }

    /**
     * The environment variable each GPU build argument takes its value from (the first one its expression names):
     * what init writes as the profile key env-args, for when the runner is not read.
     */
    public Map<String, String> gpuEnvArgs() {
        Map<String, String> out = new LinkedHashMap<>();
        Pattern first = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)");
        for (ArgFromEnv a : gpuBuildArgs()) {
            Matcher m = first.matcher(a.expression());
            if (m.find()) {
                out.putIfAbsent(m.group(1), a.arg());
            }
        }
        return out;
    }

    private static boolean container(Task t) {
        return CONTAINER_TARGETS.stream().anyMatch(t::is);
    }

    public Optional<Task> task(String target) {
        return tasks.stream().filter(t -> t.is(target)).findFirst();
    }

    /** The build arguments the GPU build tasks pass, first mention of each name winning (runtime's task first). */
    public List<ArgFromEnv> gpuBuildArgs() {
        Map<String, ArgFromEnv> out = new LinkedHashMap<>();
        for (String target : List.of(BUILD_GPU, BUILD_GPU_DEV, BUILD_GPU_MULTIARCH)) {
            task(target).ifPresent(t -> {
                for (Line l : t.lines()) {
                    Matcher m = BUILD_ARG.matcher(l.text());
                    while (m.find()) {
                        String kv = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
                        int eq = kv.indexOf('=');
                        if (m.group(2) != null) {
                            continue; // single-quoted: the shell passes it as written, no variable in it
                        }
                        if (eq > 0) {
                            out.putIfAbsent(kv.substring(0, eq), new ArgFromEnv(kv.substring(0, eq), kv.substring(eq + 1), l.origin()));
                        }
                    }
                }
            });
        }
        return List.copyOf(out.values());
    }

    /**
     * The command a run task runs when given none: {@code mise run NAME} as a mise task writes it, or the Makefile's
     * {@code $(or $(CMD),...)}; empty when the runner does not say.
     */
    public Optional<Default> runDefault(String target) {
        Optional<Task> t = task(target);
        if (t.isEmpty()) {
            return Optional.empty();
        }
        for (Line l : t.get().lines()) {
            Matcher m = kind == Kind.MAKE ? MAKE_DEFAULT.matcher(l.text()) : MISE_RUN.matcher(l.text());
            if (m.find()) {
                String cmd = kind == Kind.MAKE ? m.group(1).strip() : "mise run " + m.group(1);
                return Optional.of(new Default(List.of(cmd.split("\\s+")), l.origin()));
            }
        }
        return Optional.empty();
    }

    private static final Pattern TARGET = Pattern.compile("--target(?:=|\\s+)[\"']?([A-Za-z0-9_.\\-]+)");

    /** The stages the runner's tasks build on purpose with --target (wheel-install, setup, ...). */
    public java.util.Set<String> buildTargets() {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (Task t : tasks) {
            for (Line l : t.lines()) {
                Matcher m = TARGET.matcher(l.text());
                while (m.find()) {
                    out.add(m.group(1));
                }
            }
        }
        return out;
    }

    private static final Pattern PLATFORM = Pattern.compile("--platform(?:=|\\s+)(?:\"([^\"]*)\"|'([^']*)'|(\\S+))");

    /**
     * The platform a mise run task passes ({@code --platform "${CONTAINER_GPU_PLATFORM:-linux/amd64}"}), expanded with
     * env, and where it is written; empty when the runner is not mise or the task passes none it can read.
     */
    public Optional<Platform> runPlatform(String target, Map<String, String> env) {
        if (kind != Kind.MISE) {
            return Optional.empty();
        }
        for (Line l : task(target).map(Task::lines).orElse(List.of())) {
            Matcher m = PLATFORM.matcher(l.text());
            if (m.find()) {
                String expr = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
                return expand(expr, env).filter(e -> !e.value().isBlank()).map(e -> new Platform(e.value(),
                        l.origin() + (e.from().isEmpty() ? "" : " (" + String.join(", ", e.from()) + ")")));
            }
        }
        return Optional.empty();
    }

    /** A platform a task passes, and where it comes from. */
    public record Platform(String value, String origin) {}

    /** A run task's default command and where it is written. */
    public record Default(List<String> command, String origin) {}

    /** What profiles and doctor print: the runner and the files read. */
    public String describe() {
        return kind == Kind.NONE ? "none (no mise container tasks, no Makefile)" : kind.word() + " (" + String.join(", ", read) + ")";
    }

    // ---- mise

    private static List<Task> miseTasks(Path root, List<String> read, List<String> notes) {
        List<Task> out = new ArrayList<>();
        Path config = Stream.of(".mise.toml", "mise.toml", ".config/mise.toml").map(root::resolve).filter(Files::isRegularFile)
                .findFirst().orElse(null);
        List<String> includes = new ArrayList<>(List.of(".mise/tasks", "mise-tasks", ".mise-tasks", ".config/mise/tasks"));
        if (config != null) {
            try {
                String text = Files.readString(config);
                JsonNode toml = new TomlMapper().readTree(text);
                JsonNode inc = toml.path("task_config").path("includes");
                if (inc.isArray()) {
                    includes.clear();
                    inc.forEach(n -> includes.add(n.asText()));
                }
                out.addAll(tomlTasks(root, config, text, toml));
                if (toml.has("tasks")) {
                    read.add(rel(root, config));
                }
            } catch (IOException | RuntimeException e) {
                notes.add(rel(root, config) + ": cannot be read as TOML (" + firstLine(e.getMessage()) + "); its tasks are not used");
            }
        }
        for (String include : includes) {
            if (include.contains("*")) {
                PathMatcher glob;
                try {
                    glob = FileSystems.getDefault().getPathMatcher("glob:" + include);
                } catch (IllegalArgumentException e) {
                    notes.add(rel(root, config) + ": include " + include + " is not a pattern nssimg can read; not read");
                    continue;
                }
                try (Stream<Path> files = Files.walk(root, 4)) {
                    for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                        if (glob.matches(root.relativize(f)) && f.toString().endsWith(".toml")) {
                            tomlFile(root, f, out, read, notes);
                        }
                    }
                } catch (IOException | java.io.UncheckedIOException e) {
                    notes.add(include + ": cannot be listed (" + e.getMessage() + ")");
                }
            } else if (include.endsWith(".toml") && Files.isRegularFile(root.resolve(include))) {
                tomlFile(root, root.resolve(include), out, read, notes);
            } else if (Files.isDirectory(root.resolve(include))) {
                Path dir = root.resolve(include);
                int before = out.size();
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.toString().endsWith(".toml"))
                            .sorted(Comparator.comparing(Path::toString)).toList()) {
                        fileTask(root, dir, f, out, notes);
                    }
                } catch (IOException | java.io.UncheckedIOException e) {
                    notes.add(include + ": cannot be listed (" + e.getMessage() + ")");
                }
                if (out.size() > before) {
                    read.add(include);
                }
            }
        }
        return out;
    }

    private static void fileTask(Path root, Path dir, Path f, List<Task> out, List<String> notes) {
        String name = dir.relativize(f).toString().replace('/', ':');
        if (name.startsWith("_") || name.contains(":_") || name.endsWith(".sh") && name.contains("lib")) {
            return; // a helper the tasks source, not a task
        }
        try {
            List<String> text = Files.readAllLines(f);
            String alias = null;
            List<Line> lines = new ArrayList<>();
            for (int i = 0; i < text.size(); i++) {
                Matcher m = MISE_HEADER.matcher(text.get(i));
                if (m.find()) {
                    alias = m.group(1);
                }
                lines.add(new Line(text.get(i), rel(root, f) + ":" + (i + 1)));
            }
            out.add(new Task(name, alias, lines));
        } catch (IOException | RuntimeException e) {
            notes.add(rel(root, f) + ": cannot be read (" + firstLine(e.getMessage()) + ")");
        }
    }

    private static void tomlFile(Path root, Path f, List<Task> out, List<String> read, List<String> notes) {
        try {
            String text = Files.readString(f);
            List<Task> tasks = tomlTasks(root, f, text, new TomlMapper().readTree(text));
            out.addAll(tasks);
            read.add(rel(root, f));
        } catch (IOException | RuntimeException e) {
            notes.add(rel(root, f) + ": cannot be read as TOML (" + firstLine(e.getMessage()) + "); its tasks are not used");
        }
    }

    /** The tasks of a TOML file: a [tasks] table (mise.toml) or top-level task tables (an included task file). */
    private static List<Task> tomlTasks(Path root, Path f, String text, JsonNode toml) {
        JsonNode table = toml.has("tasks") ? toml.get("tasks") : f.getFileName().toString().contains("mise") ? null : toml;
        List<Task> out = new ArrayList<>();
        if (table == null || !table.isObject()) {
            return out;
        }
        List<String> fileLines = text.lines().toList();
        table.fields().forEachRemaining(e -> {
            JsonNode t = e.getValue();
            JsonNode run = t.isTextual() ? t : t.path("run");
            if (run.isMissingNode()) {
                return;
            }
            List<String> commands = new ArrayList<>();
            if (run.isArray()) {
                run.forEach(n -> commands.add(n.asText()));
            } else {
                commands.add(run.asText());
            }
            int line = 1;
            for (int i = 0; i < fileLines.size(); i++) {
                if (fileLines.get(i).contains(e.getKey())) {
                    line = i + 1;
                    break;
                }
            }
            String origin = rel(root, f) + ":" + line + " (task " + e.getKey() + ")";
            List<Line> lines = new ArrayList<>();
            for (String c : commands) {
                c.lines().forEach(l -> lines.add(new Line(l, origin)));
            }
            String alias = t.path("alias").isTextual() ? t.path("alias").asText()
                    : t.path("alias").isArray() && !t.path("alias").isEmpty() ? t.path("alias").get(0).asText() : null;
            out.add(new Task(e.getKey(), alias, lines));
        });
        return out;
    }

    // ---- make

    private static List<Task> makeTargets(Path root, Path makefile) {
        List<Task> out = new ArrayList<>();
        try {
            List<String> text = Files.readAllLines(makefile);
            for (int i = 0; i < text.size(); i++) {
                Matcher m = MAKE_TARGET.matcher(text.get(i));
                if (!m.find() || text.get(i).startsWith("\t")) {
                    continue;
                }
                List<Line> lines = new ArrayList<>(List.of(new Line(text.get(i), "Makefile:" + (i + 1))));
                for (int j = i + 1; j < text.size() && text.get(j).startsWith("\t"); j++) {
                    lines.add(new Line(text.get(j), "Makefile:" + (j + 1)));
                }
                out.add(new Task(m.group(1), null, lines));
            }
        } catch (IOException e) {
            // an unreadable Makefile is no runner
        }
        return out;
    }

    // ---- evaluation

    /**
     * The value a task's expression takes with env, the way the shell expands it: $VAR, ${VAR}, ${VAR:-word} and
     * ${VAR-word}, nested. Empty when it uses another form (a command substitution, say) nssimg cannot read.
     */
    public static Optional<Expanded> expand(String expression, Map<String, String> env) {
        List<String> setVars = new ArrayList<>();
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < expression.length()) {
            char c = expression.charAt(i);
            if (c != '$') {
                out.append(c);
                i++;
                continue;
            }
            if (i + 1 < expression.length() && expression.charAt(i + 1) == '{') {
                int close = matchingBrace(expression, i + 1);
                if (close < 0) {
                    return Optional.empty();
                }
                Optional<String> v = parameter(expression.substring(i + 2, close), env, setVars);
                if (v.isEmpty()) {
                    return Optional.empty();
                }
                out.append(v.get());
                i = close + 1;
            } else {
                Matcher m = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*").matcher(expression).region(i + 1, expression.length());
                if (!m.lookingAt()) {
                    return Optional.empty(); // $( ... ), $$ and the like
                }
                String value = env.getOrDefault(m.group(), "");
                if (!value.isEmpty()) {
                    setVars.add(m.group());
                }
                out.append(value);
                i = m.end();
            }
        }
        return Optional.of(new Expanded(out.toString(), List.copyOf(setVars)));
    }

    /** An expression's value, and the environment variables that gave it (none: the task's own default). */
    public record Expanded(String value, List<String> from) {}

    private static Optional<String> parameter(String inner, Map<String, String> env, List<String> setVars) {
        Matcher m = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)(.*))?", Pattern.DOTALL).matcher(inner);
        if (!m.matches()) {
            return Optional.empty();
        }
        String name = m.group(1);
        String value = env.get(name);
        boolean useDefault = m.group(2) != null && (value == null || (m.group(2).equals(":-") && value.isEmpty()));
        if (!useDefault) {
            if (value != null && !value.isEmpty()) {
                setVars.add(name);
            }
            return Optional.of(value == null ? "" : value);
        }
        return expand(m.group(3), env).map(e -> {
            setVars.addAll(e.from());
            return e.value();
        });
    }

    private static int matchingBrace(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            if (s.charAt(i) == '{') {
                depth++;
            } else if (s.charAt(i) == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static String rel(Path root, Path f) {
        return root.relativize(f).toString();
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
