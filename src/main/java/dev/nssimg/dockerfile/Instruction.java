package dev.nssimg.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One logical Dockerfile instruction: continuation lines joined (blank and comment lines inside a continuation are
 * skipped, as BuildKit does), comments dropped, heredoc bodies (RUN <<EOF ... EOF) kept as part of it; line is where
 * it starts.
 */
public record Instruction(String keyword, String rest, int line) {
    private static final Pattern HEREDOC = Pattern.compile("<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_]*)\\2");

    /** Its arguments as BuildKit reads them: a JSON array's strings, else shell-like words (flags included). */
    public List<String> words() {
        String s = rest.strip();
        List<String> json = s.startsWith("[") ? Words.jsonStrings(s) : null;
        return json != null ? json : Words.words(s);
    }

    static List<Instruction> split(String text, String file) {
        List<Instruction> out = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        StringBuilder buf = null;
        int start = 0;
        for (int i = 0; i < lines.length; i++) {
            String raw = lines[i];
            String trimmed = raw.strip();
            if (buf == null) {
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                buf = new StringBuilder();
                start = i + 1;
            } else if (trimmed.startsWith("#") || trimmed.isEmpty()) {
                continue; // inside a continuation
            }
            if (trimmed.endsWith("\\")) {
                buf.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            buf.append(trimmed);
            i = heredocs(buf, lines, i);
            out.add(of(buf.toString(), start));
            buf = null;
        }
        if (buf != null && !buf.toString().isBlank()) {
            out.add(of(buf.toString(), start));
        }
        return out;
    }

    /** Appends the bodies of the instruction's heredocs (each up to its terminator line); the index of the last line used. */
    private static int heredocs(StringBuilder buf, String[] lines, int i) {
        Matcher m = HEREDOC.matcher(buf);
        List<String[]> docs = new ArrayList<>();
        while (m.find()) {
            docs.add(new String[] {m.group(1), m.group(3)});
        }
        for (String[] doc : docs) {
            boolean dash = !doc[0].isEmpty();
            while (i + 1 < lines.length) {
                String body = lines[++i];
                String end = dash ? body.replaceFirst("^\t+", "") : body;
                if (end.equals(doc[1])) {
                    break;
                }
                buf.append('\n').append(body);
            }
        }
        return i;
    }

    private static Instruction of(String joined, int line) {
        String s = joined.strip();
        int sp = s.indexOf(' ');
        String kw = (sp < 0 ? s : s.substring(0, sp)).toUpperCase(Locale.ROOT);
        return new Instruction(kw, sp < 0 ? "" : s.substring(sp + 1).strip(), line);
    }
}
