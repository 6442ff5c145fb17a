package dev.nssimg.plan;

import java.util.List;
import java.util.Map;

/**
 * `docker push` of one platform's image, built into an engine as tag (a split build with the docker driver, or a
 * reproducible build's load): the caller's engine, or (dockerContext not null) the docker context's engine that
 * built it. phase: when it runs in its chain.
 */
public record Push(String platform, String tag, int phase, String dockerContext) implements Command {
    /** A split build's per-platform push, right after that platform's build. */
    public Push(String platform, String tag) {
        this(platform, tag, 1, null);
    }

    public Push(String platform, String tag, int phase) {
        this(platform, tag, phase, null);
    }

    public Push(String platform, String tag, String dockerContext) {
        this(platform, tag, 1, dockerContext);
    }

    @Override
    public Kind kind() {
        return Kind.PUSH;
    }


    @Override
    public String label() {
        return platform;
    }

    /** platform: the platform, or the comma list of a single multi-platform call's (its chain's label). */
    @Override
    public List<String> platforms() {
        return List.of(platform.split(","));
    }

    @Override
    public boolean pushes() {
        return true;
    }

    @Override
    public boolean needsBuildx() {
        return false;
    }

    @Override
    public List<String> argv(Map<String, String> digests) {
        return dockerContext == null ? List.of("docker", "push", tag) : List.of("docker", "--context", dockerContext, "push", tag);
    }
}
