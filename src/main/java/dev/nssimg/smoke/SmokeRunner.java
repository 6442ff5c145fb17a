package dev.nssimg.smoke;

import dev.nssimg.engine.Engine;
import dev.nssimg.engine.ImageFacts;
import dev.nssimg.engine.RunResult;
import dev.nssimg.engine.RunSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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
        Integer uid = SmokeChecks.uidOf(facts.user());
        if (uid == null) { // a user name: ask the image which uid it is
            RunResult id = engine.run(spec(ref, platform, List.of("id", "-u"), List.of(), timeout));
            String s = id.stdout().trim();
            uid = id.exitCode() == 0 && s.matches("\\d+") ? Integer.valueOf(s) : null;
        }
        return SmokeChecks.evaluate(platform == null ? facts.platform() : platform, facts, help, uid, expect,
                timeout.toSeconds(), viaShell);
    }

    private static RunSpec spec(String ref, String platform, List<String> entrypoint, List<String> cmd, Duration timeout) {
        return new RunSpec(ref, platform, entrypoint, cmd, List.of(), List.of(), null, true, true, 0, null,
                Map.of(LABEL, "true"), timeout, false, null, null, null);
    }
}
