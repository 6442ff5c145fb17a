package dev.nssimg.plan;

import java.nio.file.Path;

/**
 * Facts gathered before planning (by the caller), so that planning stays pure. sourceDateEpoch: the seconds every
 * timestamp of the build comes from (null: none is set); version: the image version (git describe, or the
 * Dockerfile's label; null: unknown); tags: what tag templates are filled with.
 */
public record BuildFacts(String gitRevision, String created, Path cwd, String sourceDateEpoch, String version, TagFacts tags) {
    public BuildFacts(String gitRevision, String created, Path cwd) {
        this(gitRevision, created, cwd, null, null, TagFacts.NONE);
    }
}
