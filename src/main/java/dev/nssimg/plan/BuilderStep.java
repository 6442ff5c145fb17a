package dev.nssimg.plan;

import java.util.List;
import java.util.Map;

/**
 * One `docker buildx ACTION` (create, inspect, rm) of a described builder for a node (label), its argv
 * rendered by {@link BuilderPlanner}.
 */
public record BuilderStep(int phase, String label, String action, List<String> argv) implements Command {
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
