package dev.nssimg.plan;

import java.util.List;
import java.util.Optional;

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

    /**
     * The same plan for the classic `docker build` with BuildKit enabled, for engines without the buildx plugin:
     * empty unless every command is a build the classic builder can run (one platform, loaded, no builder,
     * named contexts or cache export).
     */
    public Optional<BuildPlan> classic() {
        List<Command> classic = commands.stream().map(Planner::classic).toList();
        if (classic.contains(null)) {
            return Optional.empty();
        }
        return Optional.of(new BuildPlan(target, platforms, strategy, tags, push, classic, warnings));
    }
}
