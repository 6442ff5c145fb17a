package dev.nssimg.plan;

import java.nio.file.Path;
import java.util.List;

/** What the user asked `nssimg build` for, after flag parsing (target null: none asked). Profile-level values live in Resolved. */
public record BuildRequest(
        String target,
        boolean multiarch,
        Strategy strategy,
        List<String> tags,
        Output output,
        boolean noCache,
        boolean pull,
        String progress,
        List<String> secrets,
        boolean strict,
        Boolean pushByDigest,
        Path workDir,
        Publishing publishing) {

    /**
     * The publishing flags: reproducible (null: the profile's, else off), verify (--verify-reproducible: two builds
     * without cache, compared, nothing published), and attestation flags (null/empty: the profile's, then nssimg's
     * default).
     */
    public record Publishing(Boolean reproducible, boolean verify, String provenance, String sbom, List<String> attest) {
        public static final Publishing NONE = new Publishing(null, false, null, null, List.of());

        public Publishing {
            attest = List.copyOf(attest);
        }
    }

    public BuildRequest(String target, boolean multiarch, Strategy strategy, List<String> tags, Output output, boolean noCache,
            boolean pull, String progress, List<String> secrets, boolean strict, Boolean pushByDigest, Path workDir) {
        this(target, multiarch, strategy, tags, output, noCache, pull, progress, secrets, strict, pushByDigest, workDir,
                Publishing.NONE);
    }

    public enum Strategy { AUTO, SINGLE, SPLIT }

    /** pushByDigest: null picks by builder (a named builder pushes by digest; the docker driver cannot). */

    /** DEFAULT: --load for one platform, --push for --multiarch. */
    public enum Output { DEFAULT, LOAD, PUSH }

    public BuildRequest {
        tags = List.copyOf(tags);
        secrets = List.copyOf(secrets);
    }

    /** The same request for that stage (target null: the Dockerfile's default). */
    public BuildRequest withTarget(String stage) {
        return new BuildRequest(stage, multiarch, strategy, tags, output, noCache, pull, progress, secrets, strict, pushByDigest,
                workDir, publishing);
    }
}
