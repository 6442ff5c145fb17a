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
        Path workDir) {

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
                workDir);
    }
}
