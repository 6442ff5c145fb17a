package dev.nssimg.plan;

import java.nio.file.Path;
import java.util.List;

/** What the user asked `nssimg build` for, after flag parsing. Profile-level values live in Resolved. */
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
}
