package dev.nssimg.plan;

import java.util.List;

/**
 * The commands a build runs, in order (BUILD steps of a split build may run
 * concurrently; the MANIFEST step runs only after all of them succeeded).
 */
public record BuildPlan(String target, List<String> platforms, BuildRequest.Strategy strategy, List<String> tags,
        boolean push, List<Command> commands, List<String> warnings) {
    public BuildPlan {
        platforms = List.copyOf(platforms);
        tags = List.copyOf(tags);
        commands = List.copyOf(commands);
        warnings = List.copyOf(warnings);
    }

    public List<Command> builds() {
        return commands.stream().filter(c -> c.kind() == Command.Kind.BUILD).toList();
    }

    /** Steps run as processes in parallel within their phase: builds and pushes. */
    public List<Command> parallelSteps(int phase) {
        return commands.stream()
                .filter(c -> c.phase() == phase && (c.kind() == Command.Kind.BUILD || c.kind() == Command.Kind.PUSH)).toList();
    }
}
