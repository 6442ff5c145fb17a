package dev.nssimg.json;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON nssimg prints (plans, events, reports): flat strings, lists and
 * maps. Written by hand so that planning paths do not start Jackson's
 * databind; parsing still uses Jackson.
 */
public final class Json {
    private Json() {}

    public static String str(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    public static String list(List<String> items) {
        StringBuilder sb = new StringBuilder("[");
        for (String s : items) {
            sb.append(sb.length() > 1 ? "," : "").append(str(s));
        }
        return sb.append(']').toString();
    }

    /** An object of string values, keys sorted. */
    public static String map(Map<String, String> m) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, String> e : new TreeMap<>(m).entrySet()) {
            sb.append(sb.length() > 1 ? "," : "").append(str(e.getKey())).append(':').append(str(e.getValue()));
        }
        return sb.append('}').toString();
    }

    /** An object whose values are already JSON (numbers, booleans, nested values), in the given order. */
    public static String object(Map<String, String> rawValues) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, String> e : rawValues.entrySet()) {
            sb.append(sb.length() > 1 ? "," : "").append(str(e.getKey())).append(':').append(e.getValue());
        }
        return sb.append('}').toString();
    }
}
