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
        boolean noCache, boolean pull, String progress, Publish publish, String dockerContext) {
    /**
     * What a build adds for publishing: SOURCE_DATE_EPOCH (set on the buildx process; null: none), annotations as
     * buildx spells them ("index:KEY=VALUE", "manifest:KEY=VALUE"), and the attestation flags (null or empty: none).
     */
    public record Publish(String sourceDateEpoch, List<String> annotations, String provenance, String sbom, List<String> attest) {
        public static final Publish NONE = new Publish(null, List.of(), null, null, List.of());

        public Publish {
            annotations = List.copyOf(annotations);
            attest = List.copyOf(attest);
        }

        boolean attests() {
            return provenance != null || sbom != null || !attest.isEmpty();
        }
    }

    public BuildFlags(String builder, String file, String target, Map<String, String> buildArgs, Map<String, String> contexts,
            Map<String, String> labels, List<String> secrets, String cacheFrom, String cacheTo, boolean noCache, boolean pull,
            String progress) {
        this(builder, file, target, buildArgs, contexts, labels, secrets, cacheFrom, cacheTo, noCache, pull, progress, Publish.NONE,
                null);
    }

    /** Flags of a build on the caller's engine or a buildx builder, with what publishing adds. */
    public BuildFlags(String builder, String file, String target, Map<String, String> buildArgs, Map<String, String> contexts,
            Map<String, String> labels, List<String> secrets, String cacheFrom, String cacheTo, boolean noCache, boolean pull,
            String progress, Publish publish) {
        this(builder, file, target, buildArgs, contexts, labels, secrets, cacheFrom, cacheTo, noCache, pull, progress, publish, null);
    }

    /** Flags of a build on a docker context's engine (dockerContext), nothing published beyond the push. */
    public BuildFlags(String builder, String file, String target, Map<String, String> buildArgs, Map<String, String> contexts,
            Map<String, String> labels, List<String> secrets, String cacheFrom, String cacheTo, boolean noCache, boolean pull,
            String progress, String dockerContext) {
        this(builder, file, target, buildArgs, contexts, labels, secrets, cacheFrom, cacheTo, noCache, pull, progress, Publish.NONE,
                dockerContext);
    }

    /** The same flags without the build cache (a reproducibility check builds from nothing). */
    public BuildFlags withoutCache() {
        return new BuildFlags(builder, file, target, buildArgs, contexts, labels, secrets, cacheFrom, null, true, pull, progress,
                publish, dockerContext);
    }

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
