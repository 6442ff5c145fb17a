package dev.nssimg.plan;

import java.util.Map;

/**
 * What tag templates are filled with: each placeholder's value (version, sha, short-sha, branch, date), or why it
 * has none (missing, by placeholder). latest: whether the template `latest` applies (the default branch or a
 * release tag), and why not when it does not.
 */
public record TagFacts(Map<String, String> values, Map<String, String> missing, boolean latest, String latestWhy) {
    public static final TagFacts NONE = new TagFacts(Map.of(), Map.of(), true, null);

    public TagFacts {
        values = Map.copyOf(values);
        missing = Map.copyOf(missing);
    }
}
