package dev.nssimg.plan;

import java.util.List;

/**
 * The commands a build runs, in order (the BUILD and PUSH steps of different
 * platforms may run concurrently; the MANIFEST step runs only after all of
 * them succeeded).
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
}
