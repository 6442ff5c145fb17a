package dev.nssimg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.testing.TestCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The house's layers, read from the main sources (imports and any qualified name): no package cycle, plan pure of
 * the seams, docker-java only in engine, no inline qualified names hiding a dependency, and no class growing past
 * 400 lines (those over it today are listed with their size, and may only shrink).
 */
class ArchitectureTest {
    static final Path MAIN = TestCli.ROOT.resolve("src/main/java/dev/nssimg");
    static final Pattern REF = Pattern.compile("(?<![\\w.])dev\\.nssimg\\.([a-z]+)\\.[A-Z]");
    /** The classes over 400 lines today, and their size: issue 23 splits them; they may not grow meanwhile. */
    static final Map<String, Integer> OVERSIZED = Map.of("app/Builds.java", 634, "plan/Planner.java", 530,
            "workspace/TaskRunner.java", 476, "engine/Containers.java", 416, "app/Doctor.java", 412);

    static Map<String, Set<String>> deps = new TreeMap<>();
    static Map<String, String> sources = new TreeMap<>();

    @BeforeAll
    static void read() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String rel = MAIN.relativize(p).toString();
                String pkg = rel.contains("/") ? rel.substring(0, rel.lastIndexOf('/')).replace('/', '.') : "(root)";
                String text = Files.readString(p);
                sources.put(rel, text);
                Matcher m = REF.matcher(text);
                Set<String> to = deps.computeIfAbsent(pkg, k -> new TreeSet<>());
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        to.add(m.group(1));
                    }
                }
            }
        }
    }

    @Test
    void noPackageCycle() {
        List<String> cycles = new ArrayList<>();
        for (String from : deps.keySet()) {
            for (String to : deps.get(from)) {
                if (reaches(to, from)) {
                    cycles.add(from + " -> " + to);
                }
            }
        }
        assertEquals(List.of(), cycles, "each edge listed leads back to its start: " + deps);
    }

    @Test
    void planComputesWithoutTheSeams() {
        Set<String> plan = deps.get("plan");
        for (String seam : List.of("engine", "buildx", "runtime", "app", "cli", "daemon", "report")) {
            assertTrue(!plan.contains(seam), "plan imports " + seam + ": " + plan);
        }
    }

    @Test
    void dockerJavaOnlyInEngine() {
        List<String> users = sources.entrySet().stream().filter(e -> e.getValue().contains("import com.github.dockerjava"))
                .map(Map.Entry::getKey).filter(f -> !f.startsWith("engine/")).toList();
        assertEquals(List.of(), users);
    }

    @Test
    void dependenciesAreImportsNotInlineQualifiedNames() {
        List<String> inline = new ArrayList<>();
        sources.forEach((file, text) -> {
            String[] lines = text.split("\n");
            for (int i = 0; i < lines.length; i++) {
                if (!lines[i].startsWith("import ") && !lines[i].startsWith("package ") && REF.matcher(lines[i]).find()) {
                    inline.add(file + ":" + (i + 1));
                }
            }
        });
        assertEquals(List.of(), inline);
    }

    @Test
    void noClassGrowsPast400Lines() {
        List<String> over = new ArrayList<>();
        sources.forEach((file, text) -> {
            long lines = text.lines().count();
            int allowed = OVERSIZED.getOrDefault(file, 400);
            if (lines > allowed) {
                over.add(file + " has " + lines + " lines (at most " + allowed + "): split it by job");
            }
        });
        assertEquals(List.of(), over);
    }

    private static boolean reaches(String from, String target) {
        Deque<String> todo = new ArrayDeque<>(List.of(from));
        Set<String> seen = new TreeSet<>();
        while (!todo.isEmpty()) {
            String p = todo.pop();
            if (p.equals(target)) {
                return true;
            }
            if (seen.add(p)) {
                todo.addAll(deps.getOrDefault(p, Set.of()));
            }
        }
        return false;
    }
}
