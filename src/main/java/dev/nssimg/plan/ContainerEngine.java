package dev.nssimg.plan;

import java.util.List;
import java.util.Locale;

/**
 * The two engines nssimg builds with, and what each supports: one table, read by the planner (a default the
 * engine cannot do is not applied), by the application layer (an explicit flag it cannot honour is exit 2) and
 * by the report (a value it cannot report is unknown). Pure.
 */
public enum ContainerEngine {
    /** docker buildx (BuildKit): everything nssimg plans was written for it. */
    DOCKER("docker", new Support(true, true, true, List.of("registry", "local", "inline", "gha", "s3", "azblob"), true, true,
            true, true, true, true)),
    /**
     * podman build (buildah) 5.4: plain text progress only, no metadata file (an --iidfile, and a --digestfile
     * when a manifest list is pushed), no attestations, cache import/export as a registry repository only, no
     * push by digest, named contexts and secrets as buildx spells them, no machine-readable record of cached
     * steps, no buildx builders and no rewritten layer times.
     */
    PODMAN("podman", new Support(false, false, false, List.of("registry"), false, true, true, false, false, false));

    /**
     * rawjsonProgress: --progress (and its rawjson events); metadataFile: a JSON record with the digest;
     * attestations: provenance, SBOM, --attest; cacheExport: the cache types it takes for --cache-to/--cache-from;
     * pushByDigest: a platform pushed with no tag; namedContexts: --build-context; secrets: --secret;
     * cachedSteps: it says which steps came from cache; builders: buildx builders and docker contexts;
     * reproducible: layer times rewritten to SOURCE_DATE_EPOCH and index annotations.
     */
    public record Support(boolean rawjsonProgress, boolean metadataFile, boolean attestations, List<String> cacheExport,
            boolean pushByDigest, boolean namedContexts, boolean secrets, boolean cachedSteps, boolean builders,
            boolean reproducible) {
        public Support {
            cacheExport = List.copyOf(cacheExport);
        }

        /** The cache type of a spec as nssimg writes it (a bare ref is a registry cache). */
        public static String cacheType(String spec) {
            for (String part : spec.split(",")) {
                if (part.startsWith("type=")) {
                    return part.substring(5);
                }
            }
            return "registry";
        }

        /** It can import or export a cache of that spec's type. */
        public boolean takesCache(String spec) {
            return cacheExport.contains(cacheType(spec));
        }
    }

    private final String name;
    private final Support support;

    ContainerEngine(String name, Support support) {
        this.name = name;
        this.support = support;
    }

    /** docker or podman, as a flag, profile or CONTAINER_CMD names it. */
    public String id() {
        return name;
    }

    public Support support() {
        return support;
    }

    /** The engine a program name or path runs (its file name: docker, podman, podman-remote); null for another. */
    public static ContainerEngine ofProgram(String program) {
        String base = program.substring(program.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        if (base.equals("docker")) {
            return DOCKER;
        }
        if (base.equals("podman") || base.equals("podman-remote")) {
            return PODMAN;
        }
        return null;
    }
}
