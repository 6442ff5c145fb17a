package dev.nssimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.testing.UpstreamRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * container-build-test then test-ci-container, as nssimg runs them on the users' repository: the unnamed-stage CI
 * Dockerfile built without --target, then `make test-ci` in it with the repository's root at /workspace, from a
 * subdirectory. Its python base is the offline stand-in, substituted from outside through a named context in a
 * profiles file outside the tree (test scaffolding), so the fixture's Dockerfile is built as it is.
 */
class TestCiContainerIT {
    @TempDir
    Path tmp;

    @AfterEach
    void noContainersLeftBehind() {
        assertEquals(List.of(), Bed.leftovers(), "labelled containers left behind");
    }

    @Test
    void theCiImageIsBuiltFromItsLastStageAndRunsMakeTestCiAtTheRoot() throws Exception {
        Path repo = UpstreamRepo.create(tmp.resolve("Safe-Synthesizer"));
        Path sub = repo.resolve("tests");
        Path cfg = tmp.resolve("nssimg.yaml");
        // The stand-in base the offline profile uses, under whatever tag the shipped profiles file gives it.
        java.util.regex.Matcher standin = java.util.regex.Pattern.compile("docker-image://nssimg-standin-cuda:[^\\s\"]+")
                .matcher(Files.readString(Bed.ROOT.resolve("containers/profiles.yaml")));
        assertTrue(standin.find(), "the offline profile names its stand-in CUDA base");
        Files.writeString(cfg, "defaults:\n  contexts:\n    \"python:3.11-slim\": " + standin.group() + "\n");
        String image = "nssimg-it/test-ci:" + Bed.RUN_ID;
        Map<String, String> env = Map.of("XDG_CACHE_HOME", tmp.resolve("cache").toString());

        Bed.Run missing = Bed.nssimg(sub, env, "run", "--config", cfg.toString(), "--test", "--image", image);
        assertEquals(1, missing.exit(), missing.err());
        assertTrue(missing.err().contains("build it with: nssimg build --file containers/Dockerfile.test_ci")
                && missing.err().contains("(make container-build-test)"), "run never builds; it names the build: " + missing.err());

        Bed.Run build = Bed.nssimg(sub, env, "build", "--config", cfg.toString(), "--file", "../containers/Dockerfile.test_ci",
                "--platform", "linux/amd64", "--tag", image);
        assertEquals(0, build.exit(), build.out() + build.err());
        try {
            Bed.Run run = Bed.nssimg(sub, env, "run", "--config", cfg.toString(), "--test", "--image", image,
                    "--platform", "linux/amd64");
            assertEquals(0, run.exit(), run.out() + run.err());
            assertTrue(run.out().contains("ci tests would run here in /workspace, DEBIAN_FRONTEND=noninteractive"),
                    "make test-ci ran at the mounted root: " + run.out());
            assertEquals("", UpstreamRepo.status(repo), "build or run wrote into the tree");
        } finally {
            Bed.docker("image", "rm", "-f", image);
        }
    }
}
