package dev.nssimg.plan;

import java.util.List;
import java.util.Map;

/** `docker push` of one platform's image, built into the engine as tag (a split build with the docker driver). */
public record Push(String platform, String tag, int phase) implements Command {
    /** A split build's per-platform push, right after that platform's build. */
    public Push(String platform, String tag) {
        this(platform, tag, 1);
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
        return List.of("docker", "push", tag);
    }
}
