package dev.nssimg.plan;

import java.nio.file.Path;
import java.util.Map;

/**
 * Facts gathered before planning (by the caller), so that planning stays pure. sourceDateEpoch: the seconds every
 * timestamp of the build comes from (null: none is set); version: the image version (git describe, or the
 * Dockerfile's label; null: unknown); tags: what tag templates are filled with. engines: the docker contexts by
 * name, each an engine address (a builder name that is one builds on that engine with its docker driver).
 */
public record BuildFacts(String gitRevision, String created, Path cwd, String sourceDateEpoch, String version, TagFacts tags,
        Map<String, String> engines) {
    public BuildFacts {
        engines = Map.copyOf(engines);
    }

    public BuildFacts(String gitRevision, String created, Path cwd) {
        this(gitRevision, created, cwd, null, null, TagFacts.NONE, Map.of());
    }

    public BuildFacts(String gitRevision, String created, Path cwd, String sourceDateEpoch, String version, TagFacts tags) {
        this(gitRevision, created, cwd, sourceDateEpoch, version, tags, Map.of());
    }

    public BuildFacts(String gitRevision, String created, Path cwd, Map<String, String> engines) {
        this(gitRevision, created, cwd, null, null, TagFacts.NONE, engines);
    }

    /** The engine address of a builder name that is a docker context; null for a buildx builder (or none). */
    public String engineOf(String builder) {
        return builder == null ? null : engines.get(builder);
    }
}
