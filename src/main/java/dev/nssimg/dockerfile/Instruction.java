package dev.nssimg.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One logical Dockerfile instruction: continuation lines joined, comments dropped; line is where it starts. */
public record Instruction(String keyword, String rest, int line) {

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
            } else if (trimmed.startsWith("#")) {
                continue; // comment lines inside a continuation are skipped
            }
            if (trimmed.endsWith("\\")) {
                buf.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            buf.append(trimmed);
            out.add(of(buf.toString(), start));
            buf = null;
        }
        if (buf != null && !buf.toString().isBlank()) {
            out.add(of(buf.toString(), start));
        }
        return out;
    }

    private static Instruction of(String joined, int line) {
        String s = joined.strip();
        int sp = s.indexOf(' ');
        String kw = (sp < 0 ? s : s.substring(0, sp)).toUpperCase(Locale.ROOT);
        return new Instruction(kw, sp < 0 ? "" : s.substring(sp + 1).strip(), line);
    }
}
