package dev.nssimg.workspace;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The plain assignments of a Makefile (NAME ?= value, :=, =) for the names asked for: the repository's own names
 * for its images and Dockerfile. A value that refers to anything ($(...), ${...}) is not a plain value and is skipped.
 */
public final class MakefileVars {
    private static final Pattern ASSIGNMENT = Pattern.compile("^([A-Za-z_][A-Za-z0-9_]*)\\s*(?:\\?=|:=|::=|=)\\s*(.*?)\\s*$");

    private MakefileVars() {}

    public static Map<String, String> read(String makefile, Set<String> names) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : makefile.split("\\R")) {
            Matcher m = ASSIGNMENT.matcher(line);
            if (!m.matches() || !names.contains(m.group(1)) || out.containsKey(m.group(1))) {
                continue;
            }
            String value = m.group(2);
            int comment = value.indexOf('#');
            value = (comment >= 0 ? value.substring(0, comment) : value).strip();
            if (!value.isEmpty() && !value.contains("$")) {
                out.put(m.group(1), value);
            }
        }
        return out;
    }
}
