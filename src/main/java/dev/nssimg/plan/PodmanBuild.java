package dev.nssimg.plan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * `podman build` of one or more platforms: tagged and kept in podman's store (manifest null), or added to the
 * local manifest list manifest (a multi-arch or pushed build; ManifestList pushes it). program: the podman to run
 * (a name on PATH or a path, as CONTAINER_CMD gives it). iidFile: where podman writes the image id (iidArg: as the
 * command line spells it). flags: only what podman takes (see PodmanPlan): no builder, progress or attestations.
 */
public record PodmanBuild(String program, List<String> platforms, BuildFlags flags, List<String> tags, String manifest,
        Path iidFile, String iidArg, String context) implements Command {
    public PodmanBuild {
        platforms = List.copyOf(platforms);
        tags = List.copyOf(tags);
    }

    @Override
    public Kind kind() {
        return Kind.BUILD;
    }

    @Override
    public boolean pushes() {
        return false;
    }

    @Override
    public boolean needsBuildx() {
        return false;
    }

    @Override
    public Path metadataFile() {
        return iidFile;
    }

    @Override
    public Map<String, String> env() {
        return flags.publish().sourceDateEpoch() == null ? Map.of() : Map.of("SOURCE_DATE_EPOCH", flags.publish().sourceDateEpoch());
    }

    @Override
    public List<String> argv(Map<String, String> digests) {
        List<String> a = new ArrayList<>(List.of(program, "build"));
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
            a.add("--pull=always");
        }
        a.add("--layers"); // podman's default, said: every step a layer, reused from its cache
        tags.forEach(t -> add(a, "--tag", t));
        add(a, "--manifest", manifest);
        add(a, "--iidfile", iidArg);
        a.add(context);
        return a;
    }

    private static void add(List<String> argv, String flag, String value) {
        if (value != null) {
            argv.add(flag);
            argv.add(value);
        }
    }
}
