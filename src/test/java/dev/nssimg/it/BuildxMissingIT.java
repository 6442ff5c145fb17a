package dev.nssimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The real docker CLI with its buildx plugin hidden (a private mount namespace
 * with an empty directory mounted over the plugin directory; needs root, as
 * the test bed does). Single-platform builds fall back to the classic builder
 * and say so; this CLI (23.0+) then needs buildx anyway, which ends in exit 3
 * with a hint. Multi-platform builds go straight to exit 3.
 */
class BuildxMissingIT {
    static final String PLUGINS = "/usr/libexec/docker/cli-plugins";

    static Bed.Run withoutBuildx(String nssimgArgs) throws Exception {
        Path empty = Files.createTempDirectory("no-plugins");
        return Bed.exec(List.of("unshare", "-m", "bash", "-c",
                "mount --bind " + empty + " " + PLUGINS + " && exec " + Bed.ROOT.resolve("bin/nssimg") + " " + nssimgArgs),
                // A JVM of its own: a daemon started outside this mount namespace would still see the plugin.
                // CONTAINER_CMD=docker: with buildx hidden and podman installed, auto would choose podman.
                Bed.ROOT, Map.of("NSSIMG_DAEMON", "0", "CONTAINER_CMD", "docker"), 120);
    }

    @Test
    void singlePlatformFallsBackThenExplainsWhatIsMissing() throws Exception {
        // A Dockerfile of its own: the profiles' builds need named contexts (the stand-in bases) or a source tree
        // that nssimg's repository lacks, and the classic builder takes neither.
        Path dir = Files.createTempDirectory("nobuildx");
        Files.writeString(dir.resolve("Dockerfile"), "FROM scratch\nCOPY a /a\n");
        Files.writeString(dir.resolve("a"), "a\n");
        Bed.Run r = withoutBuildx("build --file " + dir.resolve("Dockerfile") + " --context " + dir + " --tag nssimg-it/nobuildx:"
                + Bed.RUN_ID);
        assertTrue(r.err().contains("nssimg: docker buildx is not installed; building with the classic `docker build` and DOCKER_BUILDKIT=1"), r.err());
        assertEquals(3, r.exit(), r.err());
        String last = r.err().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("nssimg: error: docker buildx is not installed") && last.contains("install the buildx plugin"), last);
    }

    @Test
    void multiPlatformNeedsBuildx() throws Exception {
        Bed.Run r = withoutBuildx("build --profile example --multiarch --registry " + Bed.REGISTRY);
        assertEquals(3, r.exit(), r.err());
        String last = r.err().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.equals("nssimg: error: docker buildx is not installed, and this build needs it (several platforms);"
                + " install the buildx plugin (Debian: docker-buildx; or scripts/testbed up)"), last);
    }
}
