package dev.nssimg.dockerfile;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.nssimg.error.NssimgException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Splitting of ARG/LABEL/ENV assignments and ENTRYPOINT/CMD forms, with Dockerfile quoting. */
final class Words {
    private static final JsonFactory JSON = new JsonFactory();

    private Words() {}

    /** A word as the shell reads it (value) and as the Dockerfile spells it (raw: quotes and escapes kept). */
    private record Word(String value, String raw) {}

    /** Shell-like words: quotes group and are removed, backslash escapes the next character outside single quotes. */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        split(s).forEach(w -> out.add(w.value()));
        return out;
    }

    /**
     * The keys of KEY=VALUE words whose value keeps a literal $ (escaped as \$, or inside single quotes): BuildKit
     * expands no variable there, so the value is not the build arguments' to give.
     */
    static Set<String> literalDollars(String s) {
        Set<String> out = new HashSet<>();
        for (Word w : split(s)) {
            int eq = w.value().indexOf('=');
            if (eq > 0 && (w.raw().contains("\\$") || w.raw().matches("(?s).*'[^']*\\$[^']*'.*"))) {
                out.add(w.value().substring(0, eq));
            }
        }
        return out;
    }

    private static List<Word> split(String s) {
        List<Word> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inWord = false;
        int start = 0;
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
                continue;
            }
            if (!inWord && !Character.isWhitespace(c)) {
                start = i;
            }
            if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < s.length()) {
                cur.append(s.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    out.add(new Word(cur.toString(), s.substring(start, i)));
                    cur.setLength(0);
                    inWord = false;
                }
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            out.add(new Word(cur.toString(), s.substring(start)));
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

    /** A JSON array of strings (read by Jackson's streaming parser), or null if the text is not exactly that. */
    static List<String> jsonStrings(String s) {
        try (JsonParser p = JSON.createParser(s)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                return null;
            }
            List<String> out = new ArrayList<>();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t != JsonToken.VALUE_STRING) {
                    return null;
                }
                out.add(p.getText());
            }
            return p.nextToken() == null ? List.copyOf(out) : null;
        } catch (IOException e) {
            return null; // not JSON: Docker runs it as a shell form
        }
    }
}
