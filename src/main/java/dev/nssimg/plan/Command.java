package dev.nssimg.plan;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One process to run: the exact argv (no shell), the environment variables
 * nssimg sets on top of its own, a short label (the platform, for prefixed
 * output), the metadata file buildx writes, if any, and its phase. A
 * platform's BUILD and PUSH steps run in phase order, independently of the
 * other platforms' (so they may run concurrently); the MANIFEST step runs when
 * every platform's steps succeeded.
 */
public record Command(Kind kind, int phase, List<String> argv, Map<String, String> env, String label, Path metadataFile) {
    /** BUILD and PUSH steps are per platform; MANIFEST joins the pushed digests. */
    public enum Kind { BUILD, PUSH, MANIFEST, BUILDER }

    public Command {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
    }

    /** Placeholder in a MANIFEST argv for the digest a BUILD step of that platform produced. */
    public static String digestOf(String platform) {
        return "${digest:" + platform + "}";
    }

    public String shellLine() {
        StringBuilder sb = new StringBuilder();
        env.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> sb.append(ShellQuote.quote(e.getKey() + "=" + e.getValue())).append(' '));
        return sb.append(ShellQuote.join(argv)).toString();
    }
}
