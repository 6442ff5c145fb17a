package dev.nssimg.dockerfile;

import dev.nssimg.error.NssimgException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Splitting of ARG/LABEL/ENV assignments and ENTRYPOINT/CMD forms, with Dockerfile quoting. */
final class Words {
    private Words() {}

    /** Shell-like words: quotes group and are removed, backslash escapes the next character outside single quotes. */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < s.length()) {
                    cur.append(s.charAt(++i));
                } else {
                    cur.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < s.length()) {
                cur.append(s.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    inWord = false;
                }
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            out.add(cur.toString());
        }
        return out;
    }

    /** NAME=value pairs; for ARG a bare NAME (no default) maps to null. */
    static Map<String, String> assignments(String rest, boolean bareAllowed, int line, String file) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String w : words(rest)) {
            int eq = w.indexOf('=');
            if (eq < 0) {
                if (!bareAllowed) {
                    throw NssimgException.usage(file + ":" + line + ": expected KEY=VALUE, got '" + w + "'");
                }
                out.put(w, null);
            } else {
                out.put(w.substring(0, eq), w.substring(eq + 1));
            }
        }
        return out;
    }

    static Map<String, String> env(String rest, int line, String file) {
        List<String> ws = words(rest);
        if (!ws.isEmpty() && !ws.get(0).contains("=")) { // legacy "ENV NAME value with spaces"
            Map<String, String> out = new LinkedHashMap<>();
            out.put(ws.get(0), String.join(" ", ws.subList(1, ws.size())));
            return out;
        }
        return assignments(rest, false, line, file);
    }

    /** ["a", "b"] exec form, or a shell form wrapped as /bin/sh -c (as Docker does when the JSON is not valid). */
    static List<String> execForm(String rest) {
        String s = rest.strip();
        if (s.startsWith("[") && s.endsWith("]")) {
            List<String> parsed = jsonStrings(s);
            if (parsed != null) {
                return parsed;
            }
        }
        return List.of("/bin/sh", "-c", s);
    }

    /**
     * A JSON array of strings, or null if the text is not exactly that. Hand-written: a JSON library's
     * factory cost more start-up time than everything else in reading a Dockerfile.
     */
    static List<String> jsonStrings(String s) {
        List<String> out = new ArrayList<>();
        int i = skip(s, 1);
        if (s.charAt(i) == ']') {
            return skip(s, i + 1) == s.length() ? List.of() : null;
        }
        while (true) {
            if (i >= s.length() || s.charAt(i) != '"') {
                return null;
            }
            StringBuilder sb = new StringBuilder();
            i++;
            while (true) {
                if (i >= s.length()) {
                    return null;
                }
                char c = s.charAt(i++);
                if (c == '"') {
                    break;
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (i >= s.length()) {
                    return null;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (i + 4 > s.length()) {
                            return null;
                        }
                        try {
                            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        } catch (NumberFormatException ex) {
                            return null;
                        }
                        i += 4;
                    }
                    default -> {
                        return null;
                    }
                }
            }
            out.add(sb.toString());
            i = skip(s, i);
            if (i >= s.length()) {
                return null;
            }
            if (s.charAt(i) == ']') {
                return skip(s, i + 1) == s.length() ? List.copyOf(out) : null;
            }
            if (s.charAt(i) != ',') {
                return null;
            }
            i = skip(s, i + 1);
        }
    }

    private static int skip(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }
}
