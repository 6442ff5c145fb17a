package dev.nssimg.plan;

import dev.nssimg.profile.BuilderSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** `docker buildx create` commands for a described builder: the first node creates it, the others --append. Pure. */
public final class BuilderPlanner {
    private BuilderPlanner() {}

    public static List<Command> create(BuilderSpec b, boolean bootstrap) {
        List<Command> out = new ArrayList<>();
        for (int i = 0; i < b.nodes().size(); i++) {
            BuilderSpec.Node n = b.nodes().get(i);
            List<String> argv = new ArrayList<>(List.of("docker", "buildx", "create"));
            if (i > 0) {
                argv.add("--append");
            }
            argv.add("--name");
            argv.add(b.name());
            if (i == 0) {
                argv.add("--driver");
                argv.add(b.driver());
            }
            List<String> opts = new ArrayList<>(b.driverOpts());
            opts.addAll(n.driverOpts());
            for (String o : opts) {
                argv.add("--driver-opt");
                argv.add(o);
            }
            argv.add("--node");
            argv.add(n.name());
            argv.add("--platform");
            argv.add(String.join(",", n.platforms()));
            if (n.endpoint() != null) {
                argv.add(n.endpoint());
            }
            out.add(new Command(Command.Kind.BUILDER, i, argv, Map.of(), n.name(), null));
        }
        if (bootstrap) {
            out.add(new Command(Command.Kind.BUILDER, b.nodes().size(), List.of("docker", "buildx", "inspect", "--bootstrap", b.name()),
                    Map.of(), "bootstrap", null));
        }
        return out;
    }

    /** Removes a half-created builder after a failed step. */
    public static Command remove(BuilderSpec b) {
        return new Command(Command.Kind.BUILDER, 0, List.of("docker", "buildx", "rm", b.name()), Map.of(), "rm", null);
    }
}
