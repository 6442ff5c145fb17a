package dev.nssimg.lint;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A .dockerignore (or .containerignore) as BuildKit reads it: one pattern a line, '#' comments, surrounding blanks and
 * a leading '/' dropped, paths cleaned; '*' and '?' within a path element, '**' across any number of them; a pattern
 * that matches a directory excludes what is under it; a '!' line makes an exception; the last matching line decides.
 */
public final class IgnoreRules {
    /** One line: its text, its line number, whether it is an exception, and its compiled form. */
    public record Rule(String text, int line, boolean exception, Pattern regex) {}

    private final String file;
    private final List<Rule> rules;

    private IgnoreRules(String file, List<Rule> rules) {
        this.file = file;
        this.rules = List.copyOf(rules);
    }

    public static IgnoreRules parse(String file, String text) {
        List<Rule> rules = new ArrayList<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String p = lines.get(i).strip();
            if (p.isEmpty() || p.startsWith("#")) {
                continue;
            }
            boolean exception = p.startsWith("!");
            if (exception) {
                p = p.substring(1).strip();
            }
            p = clean(p);
            if (p.isEmpty()) {
                continue;
            }
            rules.add(new Rule(lines.get(i).strip(), i + 1, exception, compile(p)));
        }
        return new IgnoreRules(file, rules);
    }

    /** The file the rules come from (for messages). */
    public String file() {
        return file;
    }

    /**
     * The rule that excludes path (relative to the context, '/'-separated), or null when it is sent: the last rule that
     * matches the path or one of its parent directories decides.
     */
    public Rule excluding(String path) {
        Rule decided = null;
        for (Rule r : rules) {
            if (matches(r, path)) {
                decided = r;
            }
        }
        return decided == null || decided.exception() ? null : decided;
    }

    private static boolean matches(Rule r, String path) {
        if (r.regex().matcher(path).matches()) {
            return true;
        }
        // A pattern that matches a parent directory excludes what is under it.
        for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
            if (r.regex().matcher(path.substring(0, slash)).matches()) {
                return true;
            }
        }
        return false;
    }

    private static String clean(String p) {
        List<String> out = new ArrayList<>();
        for (String part : p.split("/+")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..") && !out.isEmpty()) {
                out.remove(out.size() - 1);
            } else if (!part.equals("..")) {
                out.add(part);
            }
        }
        return String.join("/", out);
    }

    /** The pattern as a regex over a whole '/'-separated path, as BuildKit's pattern matcher compiles it. */
    static Pattern compile(String pattern) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*') {
                if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
                    i++;
                    if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '/') {
                        i++;
                        re.append("(?:.*/)?"); // **/ : any number of directories, none included
                    } else {
                        re.append(".*");
                    }
                } else {
                    re.append("[^/]*");
                }
            } else if (c == '?') {
                re.append("[^/]");
            } else if (c == '\\' && i + 1 < pattern.length()) {
                re.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else if (c == '[') {
                int close = pattern.indexOf(']', i + 1);
                if (close < 0) {
                    re.append("\\[");
                } else {
                    String set = pattern.substring(i + 1, close);
                    re.append('[').append(set.startsWith("^") ? "^" + set.substring(1).replace("\\", "\\\\")
                            : set.replace("\\", "\\\\")).append(']');
                    i = close;
                }
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
