package dev.nssimg.plan;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a build is made of, whichever builder runs it: paths as the command line spells them (relative to the
 * caller's directory), build arguments, named contexts and labels in the order they are passed, secrets by
 * reference only, cache refs and switches. builder, cacheFrom, cacheTo and progress are null when not set.
 */
public record BuildFlags(String builder, String file, String target, Map<String, String> buildArgs,
        Map<String, String> contexts, Map<String, String> labels, List<String> secrets, String cacheFrom, String cacheTo,
        boolean noCache, boolean pull, String progress) {
    public BuildFlags {
        buildArgs = ordered(buildArgs);
        contexts = ordered(contexts);
        labels = ordered(labels);
        secrets = List.copyOf(secrets);
    }

    private static Map<String, String> ordered(Map<String, String> m) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }
}
