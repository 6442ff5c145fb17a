package dev.nssimg.plan;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a build is made of, whichever builder runs it: paths as the command line spells them (relative to the
 * caller's directory), build arguments, named contexts and labels in the order they are passed, secrets by
 * reference only, cache refs and switches. builder, cacheFrom, cacheTo and progress are null when not set.
 * dockerContext: the docker CLI context (an engine, maybe on another machine) whose own builder runs the build
 * (`docker --context NAME buildx build`), null for the caller's engine or a buildx builder.
 */
public record BuildFlags(String builder, String file, String target, Map<String, String> buildArgs,
        Map<String, String> contexts, Map<String, String> labels, List<String> secrets, String cacheFrom, String cacheTo,
        boolean noCache, boolean pull, String progress, String dockerContext) {
    public BuildFlags {
        buildArgs = ordered(buildArgs);
        contexts = ordered(contexts);
        labels = ordered(labels);
        secrets = List.copyOf(secrets);
    }

    /** Flags of a build on the caller's engine or a buildx builder. */
    public BuildFlags(String builder, String file, String target, Map<String, String> buildArgs, Map<String, String> contexts,
            Map<String, String> labels, List<String> secrets, String cacheFrom, String cacheTo, boolean noCache, boolean pull,
            String progress) {
        this(builder, file, target, buildArgs, contexts, labels, secrets, cacheFrom, cacheTo, noCache, pull, progress, null);
    }

    private static Map<String, String> ordered(Map<String, String> m) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }
}
