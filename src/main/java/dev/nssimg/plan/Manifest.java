package dev.nssimg.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * `docker buildx imagetools create`: publishes tags as one index of the images the platforms' builds pushed
 * to repository, each named by the digest its build reported (so it runs after all of them).
 * builder is null for the default one.
 */
public record Manifest(int phase, String builder, List<String> tags, String repository, List<String> platforms,
        List<String> annotations) implements Command {
    public Manifest {
        tags = List.copyOf(tags);
        platforms = List.copyOf(platforms);
        annotations = List.copyOf(annotations);
    }

    public Manifest(int phase, String builder, List<String> tags, String repository, List<String> platforms) {
        this(phase, builder, tags, repository, platforms, List.of());
    }

    @Override
    public Kind kind() {
        return Kind.MANIFEST;
    }

    @Override
    public String label() {
        return "manifest";
    }

    @Override
    public boolean pushes() {
        return true;
    }

    @Override
    public boolean needsBuildx() {
        return true;
    }

    @Override
    public List<String> needsDigestsOf() {
        return platforms;
    }

    @Override
    public List<String> argv(Map<String, String> digests) {
        // --progress plain makes imagetools print the digest of the index it pushes.
        List<String> a = new ArrayList<>(List.of("docker", "buildx", "imagetools", "create", "--progress", "plain"));
        if (builder != null) {
            a.add("--builder");
            a.add(builder);
        }
        for (String t : tags) {
            a.add("--tag");
            a.add(t);
        }
        for (String an : annotations) {
            if (an.startsWith("index:")) { // the index is what imagetools makes; its sources keep their own
                a.add("--annotation");
                a.add(an);
            }
        }
        for (String p : platforms) {
            a.add(repository + "@" + digests.getOrDefault(p, Command.digestOf(p)));
        }
        return a;
    }
}
