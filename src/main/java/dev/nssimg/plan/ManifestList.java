package dev.nssimg.plan;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A step on podman's local manifest list of a pushed build. RESET (before the builds: `podman manifest rm
 * --ignore LIST`, so that a rebuild's list holds this build's images only, not the last one's too) or PUSH (after
 * them: `podman manifest push --all LIST docker://TAG`, the digest of what was pushed written to digestFile).
 * label: the chain it belongs to (the first build's for RESET, the last build's for PUSH: on podman the builds
 * take turns, so it runs after every one of them succeeded).
 */
public record ManifestList(Action action, String program, String list, String tag, String label, Path digestFile,
        String digestArg) implements Command {
    public enum Action { RESET, PUSH }

    public static ManifestList reset(String program, String list, String label) {
        return new ManifestList(Action.RESET, program, list, null, label, null, null);
    }

    public static ManifestList push(String program, String list, String tag, String label, Path digestFile, String digestArg) {
        return new ManifestList(Action.PUSH, program, list, tag, label, digestFile, digestArg);
    }

    @Override
    public Kind kind() {
        return action == Action.RESET ? Kind.PREPARE : Kind.PUSH;
    }

    @Override
    public int phase() {
        return action == Action.RESET ? -1 : 1;
    }

    @Override
    public List<String> platforms() {
        return List.of(label.split(","));
    }

    @Override
    public boolean pushes() {
        return action == Action.PUSH;
    }

    @Override
    public boolean needsBuildx() {
        return false;
    }

    @Override
    public Path metadataFile() {
        return digestFile;
    }

    @Override
    public List<String> argv(Map<String, String> digests) {
        return action == Action.RESET ? List.of(program, "manifest", "rm", "--ignore", list)
                : List.of(program, "manifest", "push", "--all", "--digestfile", digestArg, list, "docker://" + tag);
    }
}
