package dev.nssimg.smoke;

import dev.nssimg.engine.Engine;
import dev.nssimg.model.FileFacts;
import dev.nssimg.model.ImageFacts;
import dev.nssimg.model.RunResult;
import dev.nssimg.model.RunSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the image's own entrypoint with --help in a throw-away container (no
 * network, no GPU, all capabilities dropped, no-new-privileges, labelled
 * nssimg.smoke) and evaluates every check. An image without an entrypoint (a
 * dev image with ENTRYPOINT []) runs "safe-synthesizer --help" through sh
 * instead: the venv's program must be on its PATH.
 */
public final class SmokeRunner {
    public static final String LABEL = "nssimg.smoke";
    private final Engine engine;

    public SmokeRunner(Engine engine) {
        this.engine = engine;
    }

    public List<Check> smoke(String ref, String platform, ImageFacts facts, SmokeChecks.Expect expect, Duration timeout) {
        boolean viaShell = facts.entrypoint().isEmpty();
        RunResult help = engine.run(viaShell
                ? spec(ref, platform, null, List.of("/bin/sh", "-c", SmokeChecks.PROGRAM + " --help"), timeout)
                : spec(ref, platform, null, List.of("--help"), timeout));
        // The user is resolved as the runtime resolves it, with the image's own passwd and group files, read without
        // running anything (so an image without a shell or `id` is judged too).
        String passwd = text(engine.readFile(ref, platform, "/etc/passwd", ImageTestRunner.MAX_CONTENT, Map.of(LABEL, "true")));
        String group = text(engine.readFile(ref, platform, "/etc/group", ImageTestRunner.MAX_CONTENT, Map.of(LABEL, "true")));
        Users.Ids ids = Users.resolve(facts.user(), passwd, group);
        return SmokeChecks.evaluate(platform == null ? facts.platform() : platform, facts, help,
                ids == null ? null : Integer.valueOf((int) ids.uid()), ids,
                u -> Users.resolve(u, passwd, group), expect, timeout.toSeconds(), viaShell);
    }

    /** A regular file's text (null: absent, a directory or a link). */
    static String text(Optional<FileFacts> f) {
        return f.filter(x -> !x.directory() && !x.symlink()).map(x -> new String(x.content(), StandardCharsets.UTF_8)).orElse(null);
    }

    private static RunSpec spec(String ref, String platform, List<String> entrypoint, List<String> cmd, Duration timeout) {
        return new RunSpec(ref, platform, entrypoint, cmd, List.of(), List.of(), null, true, true, 0, null,
                Map.of(LABEL, "true"), timeout, false, null, null, null);
    }
}
