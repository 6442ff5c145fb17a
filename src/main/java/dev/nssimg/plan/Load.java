package dev.nssimg.plan;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * `docker load` of the OCI tarball a reproducible build wrote (Docker 26's docker driver rewrites layer timestamps
 * only for that export): the image store keeps its manifests byte for byte, so what is pushed next, and what a
 * smoke test runs, has the digest the build reported. The tarball is removed once it is loaded.
 */
public record Load(String label, List<String> platforms, Path tarball, String tarballArg) implements Command {
    public Load {
        platforms = List.copyOf(platforms);
    }

    @Override
    public Kind kind() {
        return Kind.LOAD;
    }

    /** After its build, before its pushes. */
    @Override
    public int phase() {
        return 1;
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
    public List<String> argv(Map<String, String> digests) {
        return List.of("docker", "load", "--input", tarballArg);
    }
}
