package dev.nssimg.profile;

import java.util.List;

/**
 * A buildx builder as the profiles file describes it: a driver and one or
 * more nodes, typically one native node per architecture.
 */
public record BuilderSpec(String name, String driver, List<String> driverOpts, List<Node> nodes, String origin) {
    public static final List<String> DRIVERS = List.of("docker-container", "kubernetes", "remote");

    public record Node(String name, String endpoint, List<String> platforms, List<String> driverOpts) {
        public Node {
            platforms = List.copyOf(platforms);
            driverOpts = List.copyOf(driverOpts);
        }
    }

    public BuilderSpec {
        driverOpts = List.copyOf(driverOpts);
        nodes = List.copyOf(nodes);
    }
}
