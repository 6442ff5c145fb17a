package dev.nssimg.plan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A `docker buildx build` (or, for engines without buildx, the classic `docker build` with BuildKit) of one or
 * more platforms, exported as output says. metadataFile is where the digest is written (metadataArg: the same
 * path as the command line spells it); context is the build context as spelled.
 */
public record Build(Tool tool, List<String> platforms, BuildFlags flags, List<String> tags, Output output,
        Path metadataFile, String metadataArg, String context) implements Command {
    /** BUILDX: docker buildx build. CLASSIC: DOCKER_BUILDKIT=1 docker build (loads the image, writes an image id file). */
    public enum Tool { BUILDX, CLASSIC }

    /** Where the image goes: loaded into the engine, pushed by tag, or pushed by digest only (no tag until the index). */
    public record Output(Type type, String repository) {
        public enum Type { LOAD, PUSH, PUSH_BY_DIGEST }

        public static final Output LOAD = new Output(Type.LOAD, null);
        public static final Output PUSH = new Output(Type.PUSH, null);

        public static Output pushByDigest(String repository) {
            return new Output(Type.PUSH_BY_DIGEST, repository);
        }
    }

    public Build {
        platforms = List.copyOf(platforms);
        tags = List.copyOf(tags);
        if (tool == Tool.CLASSIC && needsBuildx(platforms, flags, output)) {
            throw new IllegalArgumentException("the classic builder cannot run this build");
        }
    }

    @Override
    public Kind kind() {
        return Kind.BUILD;
    }

    @Override
    public int phase() {
        return 0;
    }

    @Override
    public String label() {
        return String.join(",", platforms);
    }

    @Override
    public boolean pushes() {
        return output.type() != Output.Type.LOAD;
    }

    /** Named contexts, cache export, a builder, several platforms and pushing are buildx's alone. */
    @Override
    public boolean needsBuildx() {
        return needsBuildx(platforms, flags, output);
    }

    private static boolean needsBuildx(List<String> platforms, BuildFlags flags, Output output) {
        return flags.builder() != null || !flags.contexts().isEmpty() || flags.cacheTo() != null || platforms.size() > 1
                || output.type() != Output.Type.LOAD;
    }

    /**
     * The same build for the classic `docker build` with BuildKit enabled, for engines without the buildx
     * plugin; it writes the image id next to the metadata file. Empty when the build needs buildx.
     */
    public Optional<Build> classic() {
        if (needsBuildx(platforms, flags, output)) {
            return Optional.empty();
        }
        return Optional.of(new Build(Tool.CLASSIC, platforms, flags, tags, output,
                metadataFile == null ? null : metadataFile.resolveSibling(metadataFile.getFileName() + ".iid"),
                metadataArg == null ? null : metadataArg + ".iid", context));
    }

    @Override
    public Map<String, String> env() {
        return tool == Tool.CLASSIC ? Map.of("DOCKER_BUILDKIT", "1") : Map.of();
    }

    @Override
    public List<String> argv(Map<String, String> digests) {
        List<String> a = new ArrayList<>(List.of("docker"));
        add(a, "--context", flags.dockerContext());
        a.addAll(tool == Tool.BUILDX ? List.of("buildx", "build") : List.of("build"));
        add(a, "--builder", flags.builder());
        add(a, "--file", flags.file());
        add(a, "--target", flags.target());
        add(a, "--platform", String.join(",", platforms));
        flags.buildArgs().forEach((k, v) -> add(a, "--build-arg", k + "=" + v));
        flags.contexts().forEach((k, v) -> add(a, "--build-context", k + "=" + v));
        flags.labels().forEach((k, v) -> add(a, "--label", k + "=" + v));
        flags.secrets().forEach(s -> add(a, "--secret", s));
        add(a, "--cache-from", flags.cacheFrom());
        add(a, "--cache-to", flags.cacheTo());
        if (flags.noCache()) {
            a.add("--no-cache");
        }
        if (flags.pull()) {
            a.add("--pull");
        }
        add(a, "--progress", flags.progress());
        tags.forEach(t -> add(a, "--tag", t));
        switch (output.type()) {
            case LOAD -> {
                if (tool == Tool.BUILDX) {
                    a.add("--load"); // the classic builder always loads
                }
            }
            case PUSH -> a.add("--push");
            case PUSH_BY_DIGEST -> add(a, "--output",
                    "type=image,name=" + output.repository() + ",push-by-digest=true,name-canonical=true,push=true");
        }
        add(a, tool == Tool.BUILDX ? "--metadata-file" : "--iidfile", metadataArg);
        a.add(context);
        return a;
    }

    /** flag and value, unless the value is not set. */
    private static void add(List<String> argv, String flag, String value) {
        if (value != null) {
            argv.add(flag);
            argv.add(value);
        }
    }
}
