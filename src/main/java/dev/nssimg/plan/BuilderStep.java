package dev.nssimg.plan;

import java.util.List;
import java.util.Map;

/** One `docker buildx create|inspect|rm` of a described builder, its argv rendered by {@link BuilderPlanner}. */
public record BuilderStep(int phase, String label, List<String> argv) implements Command {
    public BuilderStep {
        argv = List.copyOf(argv);
    }

    @Override
    public Kind kind() {
        return Kind.BUILDER;
    }

    @Override
    public List<String> platforms() {
        return List.of();
    }

    @Override
    public boolean pushes() {
        return false;
    }

    @Override
    public boolean needsBuildx() {
        return true;
    }

    @Override
    public List<String> argv(Map<String, String> digests) {
        return argv;
    }
}
