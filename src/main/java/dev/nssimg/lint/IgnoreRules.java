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
        List<String> lines = (text.startsWith("\uFEFF") ? text.substring(1) : text).lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("#")) {
                continue; // a comment only in the first column, as BuildKit reads it
            }
            String p = lines.get(i).strip();
            if (p.isEmpty()) {
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
            Pattern regex;
            try {
                regex = compile(p);
            } catch (java.util.regex.PatternSyntaxException e) {
                regex = null; // a form nssimg cannot translate ([[:digit:]], say): it checks nothing by this line
            }
            rules.add(new Rule(lines.get(i).strip(), i + 1, exception, regex));
        }
        return new IgnoreRules(file, rules);
    }

    /** The lines nssimg could not translate (they decide nothing in its check; BuildKit reads them). */
    public List<Rule> unread() {
        return rules.stream().filter(r -> r.regex() == null).toList();
    }

    /** True when a '!' line can send back something under an excluded directory. */
    public boolean hasExceptions() {
        return rules.stream().anyMatch(Rule::exception);
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
        if (r.regex() == null) {
            return false;
        }
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

    /** The POSIX classes a bracket expression may hold ([[:digit:]]), as Java names them. */
    private static final java.util.Map<String, String> POSIX = java.util.Map.of("alpha", "Alpha", "digit", "Digit",
            "alnum", "Alnum", "upper", "Upper", "lower", "Lower", "space", "Space", "punct", "Punct", "xdigit", "XDigit");

    /** The index of the ']' closing a bracket expression whose body starts at from ([:class:] inside skipped); -1 if none. */
    private static int setEnd(String pattern, int from) {
        for (int j = from; j < pattern.length(); j++) {
            if (pattern.startsWith("[:", j)) {
                int end = pattern.indexOf(":]", j + 2);
                if (end > 0) {
                    j = end + 1;
                    continue;
                }
            }
            if (pattern.charAt(j) == ']' && j > from) {
                return j;
            }
        }
        return -1;
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
                    } else if (i + 1 == pattern.length()) {
                        re.append(".*"); // ** at the end: everything below
                    } else {
                        re.append("(?:.*/)?"); // ** inside an element spans directories as BuildKit's (a/**.txt)
                    }
                } else {
                    re.append("[^/]*");
                }
            } else if (c == '?') {
                re.append("[^/]");
            } else if (c == '\\' && i + 1 < pattern.length()) {
                re.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else if (c == '[') {
                int close = setEnd(pattern, i + 1);
                if (close < 0) {
                    re.append("\\[");
                } else {
                    String set = pattern.substring(i + 1, close);
                    boolean negated = set.startsWith("^") || set.startsWith("!");
                    String body = (negated ? set.substring(1) : set).replace("\\", "\\\\").replace("[", "\\[");
                    for (var posix : POSIX.entrySet()) {
                        body = body.replace("\\[:" + posix.getKey() + ":]", "\\p{" + posix.getValue() + "}");
                    }
                    re.append('[').append(negated ? "^" : "").append(body).append(']');
                    i = close;
                }
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
