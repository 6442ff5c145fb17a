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

    /**
     * Where the image goes: loaded into the engine, pushed by tag, pushed by digest only (no tag until the index), or
     * written as an OCI layout tarball (dest, as the command line spells it: destArg), which a LOAD step then loads.
     * rewriteTimestamp: BuildKit clamps every file time in the layers to SOURCE_DATE_EPOCH (rewrite-timestamp=true),
     * which Docker 26's docker driver allows for the OCI export only.
     */
    public record Output(Type type, String repository, Path dest, String destArg, boolean rewriteTimestamp) {
        public enum Type { LOAD, PUSH, PUSH_BY_DIGEST, OCI }

        public static final Output LOAD = new Output(Type.LOAD, null, null, null, false);
        public static final Output PUSH = new Output(Type.PUSH, null, null, null, false);

        public static Output pushByDigest(String repository) {
            return new Output(Type.PUSH_BY_DIGEST, repository, null, null, false);
        }

        public static Output oci(Path dest, String destArg) {
            return new Output(Type.OCI, null, dest, destArg, true);
        }

        public Output rewritingTimestamps() {
            return new Output(type, repository, dest, destArg, true);
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
    public boolean pushes() {
        return output.type() == Output.Type.PUSH || output.type() == Output.Type.PUSH_BY_DIGEST;
    }

    /**
     * The same build of this one's platforms written to another OCI tarball (and metadata file), without the cache:
     * one of the two builds a reproducibility check compares.
     */
    public Build verifying(Path dest, String destArg, Path meta, String metaArg) {
        return new Build(tool, platforms, flags.withoutCache(), tags, Output.oci(dest, destArg), meta, metaArg, context);
    }

    /** Named contexts, cache export, a builder, several platforms and pushing are buildx's alone. */
    @Override
    public boolean needsBuildx() {
        return needsBuildx(platforms, flags, output);
    }

    private static boolean needsBuildx(List<String> platforms, BuildFlags flags, Output output) {
        return flags.builder() != null || !flags.contexts().isEmpty() || flags.cacheTo() != null || platforms.size() > 1
                || output.type() != Output.Type.LOAD || output.rewriteTimestamp() || flags.publish().attests()
                || !flags.publish().annotations().isEmpty();
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
        Map<String, String> env = new java.util.TreeMap<>();
        if (tool == Tool.CLASSIC) {
            env.put("DOCKER_BUILDKIT", "1");
        }
        if (flags.publish().sourceDateEpoch() != null) {
            env.put("SOURCE_DATE_EPOCH", flags.publish().sourceDateEpoch());
        }
        return env;
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
        flags.publish().annotations().forEach(s -> add(a, "--annotation", s));
        add(a, "--provenance", flags.publish().provenance());
        add(a, "--sbom", flags.publish().sbom());
        flags.publish().attest().forEach(s -> add(a, "--attest", s));
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
        String rewrite = output.rewriteTimestamp() ? ",rewrite-timestamp=true" : "";
        switch (output.type()) {
            case LOAD -> {
                if (output.rewriteTimestamp()) {
                    add(a, "--output", "type=docker" + rewrite); // a builder other than the docker driver
                } else if (tool == Tool.BUILDX) {
                    a.add("--load"); // the classic builder always loads
                }
            }
            case PUSH -> {
                if (output.rewriteTimestamp()) {
                    add(a, "--output", "type=image,push=true" + rewrite);
                } else {
                    a.add("--push");
                }
            }
            case PUSH_BY_DIGEST -> add(a, "--output",
                    "type=image,name=" + output.repository() + ",push-by-digest=true,name-canonical=true,push=true" + rewrite);
            case OCI -> add(a, "--output", "type=oci,dest=" + output.destArg() + rewrite);
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
