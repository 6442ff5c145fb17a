package dev.nssimg.plan;

import dev.nssimg.error.NssimgException;
import dev.nssimg.profile.Located;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A profile's `tags:` list, filled in: {version}, {sha}, {short-sha}, {branch}, {date} and {arch} are replaced, and
 * what a tag may not contain (a registry allows [A-Za-z0-9_.-], 128 at most, not starting with '.' or '-') becomes
 * '-'. The template `latest` is kept only where TagFacts allows it. Pure.
 */
public final class TagTemplates {
    public static final List<String> PLACEHOLDERS = List.of("version", "sha", "short-sha", "branch", "date", "arch");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)\\}");

    private TagTemplates() {}

    /** The tags (the part after ':'), in order, without repeats; notes gets a line for each template left out. */
    public static List<String> expand(Located<List<String>> templates, TagFacts facts, String arch, List<String> notes) {
        Set<String> out = new LinkedHashSet<>();
        for (String t : templates.value()) {
            if (t.equals("latest")) {
                if (facts.latest()) {
                    out.add(t);
                } else {
                    notes.add(templates.origin() + ": tag latest left out: " + facts.latestWhy());
                }
                continue;
            }
            out.add(sanitize(fill(t, facts, arch, templates.origin()), t, templates.origin()));
        }
        if (out.isEmpty()) {
            throw NssimgException.usage(templates.origin() + ": tags gives no tag here (" + String.join("; ", notes) + ")");
        }
        return List.copyOf(out);
    }

    private static String fill(String template, TagFacts facts, String arch, String origin) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            if (!PLACEHOLDERS.contains(name)) {
                throw NssimgException.usage(origin + ": tag '" + template + "': unknown placeholder {" + name + "} (known: {"
                        + String.join("}, {", PLACEHOLDERS) + "})");
            }
            String v = name.equals("arch") ? arch : facts.values().get(name);
            if (v == null) {
                String why = name.equals("arch") ? "{arch} names one platform, and this build makes several"
                        : facts.missing().getOrDefault(name, "no value");
                throw NssimgException.usage(origin + ": tag '" + template + "': {" + name + "} cannot be resolved: " + why);
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** value as a valid tag: other characters become '-', no leading '.' or '-', at most 128 characters. */
    static String sanitize(String value, String template, String origin) {
        String s = value.replaceAll("[^A-Za-z0-9_.-]", "-").replaceAll("^[.-]+", "");
        if (s.length() > 128) {
            s = s.substring(0, 128);
        }
        if (s.isEmpty()) {
            throw NssimgException.usage(origin + ": tag '" + template + "' is empty once filled in ('" + value + "')");
        }
        return s;
    }

    /** Every template's placeholders, for the caller to know which facts to gather. */
    public static Set<String> used(List<String> templates) {
        Set<String> out = new LinkedHashSet<>();
        List<String> all = new ArrayList<>(templates);
        for (String t : all) {
            Matcher m = PLACEHOLDER.matcher(t);
            while (m.find()) {
                out.add(m.group(1));
            }
            if (t.equals("latest")) {
                out.add("latest");
            }
        }
        return out;
    }
}
