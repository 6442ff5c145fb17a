package dev.nssimg.plan;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One process to run, as typed facts: its kind and phase, the platforms it is for, whether it pushes, the
 * metadata file buildx writes (if any), whether it needs the buildx plugin, and the platforms whose digests it
 * needs. Its argv (no shell) and the environment variables nssimg sets on top of its own are rendered from those
 * facts; nothing reads an argv back. A platform's BUILD and PUSH steps run in phase order, independently of the
 * other platforms' (so they may run concurrently); the MANIFEST step runs when every platform's steps succeeded.
 */
public sealed interface Command permits Build, Push, Load, Manifest, BuilderStep, PodmanBuild, ManifestList, Sign {
    /**
     * BUILD and PUSH steps are per platform; MANIFEST joins the pushed digests; PREPARE comes before a build (podman's
     * list); SIGN signs the published index after everything else.
     */
    enum Kind { PREPARE, BUILD, LOAD, PUSH, MANIFEST, BUILDER, SIGN }

    Kind kind();

    /** When it runs in its platform's chain; a platform's build is phase 0. */
    default int phase() {
        return 0;
    }

    /** A short name: the platform(s), for prefixed output. */
    default String label() {
        return String.join(",", platforms());
    }

    List<String> platforms();

    /** It sends something to a registry (worth one more try after a registry server error). */
    boolean pushes();

    /** It cannot run without the docker CLI's buildx plugin. */
    boolean needsBuildx();

    /** Where buildx (or the classic builder) writes what it built; null when nothing is written. */
    default Path metadataFile() {
        return null;
    }

    /** The platforms whose built digests this command takes (a MANIFEST joins them). */
    default List<String> needsDigestsOf() {
        return List.of();
    }

    /** The argv with the digests it needs, by platform; a digest not given is printed as {@link #digestOf}. */
    List<String> argv(Map<String, String> digests);

    /** The argv as planned: digests not known yet are placeholders (what --dry-run prints). */
    default List<String> argv() {
        return argv(Map.of());
    }

    default Map<String, String> env() {
        return Map.of();
    }

    /** Placeholder for the digest a BUILD step of that platform produces, until it is known. */
    static String digestOf(String platform) {
        return "${digest:" + platform + "}";
    }

    default String shellLine() {
        StringBuilder sb = new StringBuilder();
        env().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> sb.append(ShellQuote.quote(e.getKey() + "=" + e.getValue())).append(' '));
        return sb.append(ShellQuote.join(argv())).toString();
    }
}
