package dev.nssimg.plan;

import dev.nssimg.profile.BuilderSpec;
import java.util.ArrayList;
import java.util.List;

/** `docker buildx create` commands for a described builder: the first node creates it, the others --append. Pure. */
public final class BuilderPlanner {
    private BuilderPlanner() {}

    public static List<BuilderStep> create(BuilderSpec b, boolean bootstrap) {
        List<BuilderStep> out = new ArrayList<>();
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
            out.add(new BuilderStep(i, n.name(), "create", argv));
        }
        if (bootstrap) {
            out.add(new BuilderStep(b.nodes().size(), "bootstrap", "inspect", List.of("docker", "buildx", "inspect", "--bootstrap", b.name())));
        }
        return out;
    }

    /** Removes a half-created builder after a failed step. */
    public static BuilderStep remove(BuilderSpec b) {
        return new BuilderStep(0, "rm", "rm", List.of("docker", "buildx", "rm", b.name()));
    }
}
