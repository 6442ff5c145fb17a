package dev.nssimg.profile;

import dev.nssimg.error.NssimgException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a profile's {@code tests:} (a list of checks, or the path of a YAML file holding one) into {@link ImageTest}s.
 * Everything wrong is exit 2 naming FILE:LINE: an unknown key or one that does not belong to the check's kind, no
 * kind or two, a bad regular expression, a timeout that is not a positive number of seconds, a name used twice.
 */
public final class ImageTests {
    static final List<String> KINDS = List.of("command", "file", "env", "label", "user", "workdir", "exposed", "entrypoint");
    private static final List<String> COMMON = List.of("name", "platforms", "stages");
    private static final Map<String, List<String>> KEYS = Map.of(
            "command", List.of("command", "entrypoint", "exit", "stdout", "stderr", "timeout", "gpu", "network"),
            "file", List.of("file", "exists", "mode", "owner", "content"),
            "env", List.of("env", "value"),
            "label", List.of("label", "value"),
            "user", List.of("user"),
            "workdir", List.of("workdir"),
            "exposed", List.of("exposed"),
            "entrypoint", List.of("entrypoint"));

    private ImageTests() {}

    /** The checks of a tests file (its top is the list, or a mapping with tests:). */
    public static List<ImageTest> readFile(Path file, String display) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw NssimgException.usage(display + ": cannot read the tests file: " + e.getMessage());
        }
        YamlNode top = YamlNode.parse(new java.io.StringReader(text), display);
        if (top instanceof YamlNode.Mapping m && m.entries().containsKey("tests") && m.entries().size() == 1) {
            top = m.entries().get("tests");
        }
        return parse(top, display, "tests");
    }

    static List<ImageTest> parse(YamlNode n, String file, String path) {
        if (!(n instanceof YamlNode.Seq seq)) {
            throw NssimgException.usage(file + ":" + n.line() + ": " + path + " must be a list of checks (or the path of a file"
                    + " holding one)");
        }
        List<ImageTest> out = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (YamlNode item : seq.items()) {
            ImageTest t = one(item, file, path);
            if (!names.add(t.name())) {
                throw NssimgException.usage(t.origin() + ": " + path + ": check name '" + t.name() + "' is used twice");
            }
            out.add(t);
        }
        return out;
    }

    private static ImageTest one(YamlNode n, String file, String path) {
        if (!(n instanceof YamlNode.Mapping m)) {
            throw NssimgException.usage(file + ":" + n.line() + ": " + path + ": each check is a mapping ({name: ..., command: [...]})");
        }
        String at = file + ":" + m.line();
        String name = text(m, "name", file);
        if (name == null || name.isBlank()) {
            throw NssimgException.usage(at + ": " + path + ": a check needs a name");
        }
        String where = path + "[" + name + "]";
        List<String> kinds = KINDS.stream().filter(m.entries()::containsKey).toList();
        if (kinds.contains("command") && kinds.contains("entrypoint")) {
            kinds = kinds.stream().filter(k -> !k.equals("entrypoint")).toList(); // entrypoint: true of a command
        }
        if (kinds.size() != 1) {
            throw NssimgException.usage(at + ": " + where + ": " + (kinds.isEmpty() ? "says nothing to check" : "says "
                    + String.join(" and ", kinds)) + "; give one of " + String.join(", ", KINDS));
        }
        String kind = kinds.get(0);
        for (String key : m.entries().keySet()) {
            if (!COMMON.contains(key) && !KEYS.get(kind).contains(key)) {
                boolean known = KEYS.values().stream().anyMatch(l -> l.contains(key));
                throw NssimgException.usage(file + ":" + m.keyLines().get(key) + ": " + where + ": " + (known
                        ? "key '" + key + "' does not apply to " + ("aeiou".indexOf(kind.charAt(0)) >= 0 ? "an " : "a ") + kind + " check"
                        : "unknown key '" + key + "' (known: " + String.join(", ", allKeys()) + ")"));
            }
        }
        ImageTest.Probe probe = switch (kind) {
            case "command" -> new ImageTest.Command(list(m, "command", file, where), bool(m, "entrypoint", file, where, false),
                    exitCode(m, file, where), regex(m, "stdout", file, where), regex(m, "stderr", file, where),
                    timeout(m, file, where), bool(m, "gpu", file, where, false), bool(m, "network", file, where, false));
            case "file" -> new ImageTest.FileProbe(text(m, "file", file), bool(m, "exists", file, where, true),
                    mode(m, file, where), text(m, "owner", file), regex(m, "content", file, where));
            case "env" -> new ImageTest.Env(text(m, "env", file), regex(m, "value", file, where));
            case "label" -> new ImageTest.Label(text(m, "label", file), regex(m, "value", file, where));
            case "user" -> new ImageTest.User(text(m, "user", file));
            case "workdir" -> new ImageTest.Workdir(text(m, "workdir", file));
            case "exposed" -> new ImageTest.Exposed(list(m, "exposed", file, where));
            default -> new ImageTest.Entrypoint(list(m, "entrypoint", file, where));
        };
        if (probe instanceof ImageTest.Command c && c.argv().isEmpty()) {
            throw NssimgException.usage(file + ":" + m.keyLines().get("command") + ": " + where + ": command is an empty list");
        }
        List<String> platforms = m.entries().containsKey("platforms") ? list(m, "platforms", file, where) : List.of();
        for (String p : platforms) {
            Validation.platform(Located.of(p, file + ":" + m.keyLines().get("platforms")));
        }
        List<String> stages = m.entries().containsKey("stages") ? list(m, "stages", file, where) : List.of();
        return new ImageTest(name, at, platforms, stages, probe);
    }

    private static List<String> allKeys() {
        Set<String> all = new java.util.TreeSet<>(COMMON);
        KEYS.values().forEach(all::addAll);
        return List.copyOf(all);
    }

    private static String text(YamlNode.Mapping m, String key, String file) {
        YamlNode v = m.entries().get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof YamlNode.Scalar s) || s.text() == null) {
            throw NssimgException.usage(file + ":" + v.line() + ": " + key + " must be a single value");
        }
        return s.text();
    }

    private static List<String> list(YamlNode.Mapping m, String key, String file, String where) {
        YamlNode v = m.entries().get(key);
        if (v instanceof YamlNode.Scalar s && s.text() != null && !key.equals("command") && !key.equals("entrypoint")) {
            return List.of(s.text());
        }
        if (!(v instanceof YamlNode.Seq seq)) {
            throw NssimgException.usage(file + ":" + v.line() + ": " + where + ": " + key + " must be a list"
                    + (key.equals("command") ? " (argv: [python, --version]; no shell is implied)" : ""));
        }
        List<String> out = new ArrayList<>();
        for (YamlNode i : seq.items()) {
            if (!(i instanceof YamlNode.Scalar s) || s.text() == null) {
                throw NssimgException.usage(file + ":" + i.line() + ": " + where + ": " + key + " holds single values only");
            }
            out.add(s.text());
        }
        return out;
    }

    private static boolean bool(YamlNode.Mapping m, String key, String file, String where, boolean dflt) {
        String v = text(m, key, file);
        if (v == null) {
            return dflt;
        }
        if (!v.equals("true") && !v.equals("false")) {
            throw NssimgException.usage(file + ":" + m.keyLines().get(key) + ": " + where + ": " + key + " must be true or false, not '"
                    + v + "'");
        }
        return v.equals("true");
    }

    private static Pattern regex(YamlNode.Mapping m, String key, String file, String where) {
        String v = text(m, key, file);
        if (v == null) {
            return null;
        }
        try {
            return Pattern.compile(v);
        } catch (PatternSyntaxException e) {
            throw NssimgException.usage(file + ":" + m.keyLines().get(key) + ": " + where + ": " + key + " is not a valid regular"
                    + " expression: " + e.getDescription() + " near index " + e.getIndex());
        }
    }

    private static int exitCode(YamlNode.Mapping m, String file, String where) {
        String v = text(m, "exit", file);
        if (v == null) {
            return 0;
        }
        if (!v.matches("\\d{1,3}") || Integer.parseInt(v) > 255) {
            throw NssimgException.usage(file + ":" + m.keyLines().get("exit") + ": " + where + ": exit must be 0 to 255, not '" + v + "'");
        }
        return Integer.parseInt(v);
    }

    private static long timeout(YamlNode.Mapping m, String file, String where) {
        String v = text(m, "timeout", file);
        if (v == null) {
            return 0; // the smoke's own timeout
        }
        if (!v.matches("\\d{1,5}") || Long.parseLong(v) == 0) {
            throw NssimgException.usage(file + ":" + m.keyLines().get("timeout") + ": " + where + ": timeout must be a positive"
                    + " number of seconds, not '" + v + "'");
        }
        return Long.parseLong(v);
    }

    private static Integer mode(YamlNode.Mapping m, String file, String where) {
        String v = text(m, "mode", file);
        if (v == null) {
            return null;
        }
        if (!v.matches("0?[0-7]{3,4}")) {
            throw NssimgException.usage(file + ":" + m.keyLines().get("mode") + ": " + where + ": mode must be octal (0755), not '"
                    + v + "'");
        }
        return Integer.parseInt(v, 8);
    }
}
