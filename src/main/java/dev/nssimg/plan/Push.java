package dev.nssimg.plan;

import java.util.List;
import java.util.Map;

/**
 * `docker push` of one platform's image, built into an engine as tag (a split build with the docker driver):
 * the caller's engine, or (dockerContext not null) the docker context's engine that built it.
 */
public record Push(String platform, String tag, String dockerContext) implements Command {
    public Push(String platform, String tag) {
        this(platform, tag, null);
    }

    @Override
    public Kind kind() {
        return Kind.PUSH;
    }

    /** After its own platform's build. */
    @Override
    public int phase() {
        return 1;
    }

    @Override
    public String label() {
        return platform;
    }

    @Override
    public List<String> platforms() {
        return List.of(platform);
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
