package dev.nssimg.dockerfile;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A LABEL's value as a build gives it: its $NAME and ${NAME} references expanded with the build arguments in scope
 * in the stage that declared it (a bare ARG expands empty) and BuildKit's TARGET* arguments where declared. Smoke
 * compares labels with it, and the planner annotates what it publishes with it. Pure.
 */
public final class LabelValues {
    private static final Pattern REFERENCE = Pattern.compile("\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)}|([A-Za-z_][A-Za-z0-9_]*))");

    private LabelValues() {}

    /**
     * The value of label key of stage s for args on platform; the literal when it has no reference; null when it cannot
     * be known here (not declared, an escaped $, ${NAME:-default} and the like, BUILD* arguments).
     */
    public static String of(DockerfileInfo df, DockerfileInfo.Stage s, String key, Map<String, String> args, String platform) {
        String value = s.labels().get(key);
        DockerfileInfo.LabelDecl decl = s.labelDecls().get(key);
        if (value == null || decl == null || decl.literalDollar()) {
            return null;
        }
        if (!value.contains("$")) {
            return value;
        }
        return df.stageNamed(decl.stage()).map(at -> expand(value, substitutions(df.argsInScope(at), args, platform))).orElse(null);
    }

    /**
     * The build arguments a label sees on this platform: the given ones in scope, BuildKit's TARGET* ARGs where the
     * scope declares them, empty for a bare ARG; BUILD* (the builder's own platform) are unknown here.
     */
    public static Map<String, String> substitutions(Set<String> scope, Map<String, String> args, String platform) {
        Map<String, String> m = new HashMap<>();
        scope.forEach(n -> m.put(n, ""));
        String[] p = platform == null ? new String[0] : platform.split("/");
        if (p.length >= 2) {
            m.put("TARGETPLATFORM", platform);
            m.put("TARGETOS", p[0]);
            m.put("TARGETARCH", p[1]);
            m.put("TARGETVARIANT", p.length > 2 ? p[2] : "");
        }
        args.forEach((k, v) -> {
            if (scope.contains(k)) {
                m.put(k, v);
            }
        });
        m.keySet().removeIf(k -> (k.startsWith("TARGET") && !scope.contains(k)) || k.startsWith("BUILD"));
        return m;
    }

    /** $NAME and ${NAME} replaced; null when a name is not a known argument or a form other than those is used. */
    public static String expand(String value, Map<String, String> subs) {
        if (REFERENCE.matcher(value).replaceAll("").contains("$")) {
            return null;
        }
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        int last = 0;
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            String v = subs.get(name);
            if (v == null) {
                return null;
            }
            out.append(value, last, m.start()).append(v);
            last = m.end();
        }
        return out.append(value, last, value.length()).toString();
    }
}
