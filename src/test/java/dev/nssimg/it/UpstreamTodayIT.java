package dev.nssimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.testing.UpstreamRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The python-slim shape of Safe Synthesizer's newest Dockerfile, built and smoke-tested for real: a hermetic variant
 * of it (src/test/resources/upstream-today-hermetic, test scaffolding) in a checkout of the offline source tree with
 * the upstream-today fixture's mise tasks, from a subdirectory. Its bases (python:3.13.5-slim-bookworm and the uv
 * image) come from the test bed's stand-ins through named contexts of the test's own profiles file, outside the tree;
 * the GPU variant comes from CONTAINER_GPU_EXTRA through the mise build task's mapping.
 */
class UpstreamTodayIT {
    @Test
    void thePythonSlimShapeBuildsAndPassesSmokeWithItsVariantFromTheMiseTask(@TempDir Path tmp) throws Exception {
        Path repo = Bed.offlineContext(tmp.resolve("Safe-Synthesizer"), null);
        Files.copy(Bed.ROOT.resolve("src/test/resources/upstream-today-hermetic/Dockerfile.cuda"),
                repo.resolve("containers/Dockerfile.cuda"), StandardCopyOption.REPLACE_EXISTING);
        Path tasks = UpstreamRepo.FIXTURE_TODAY.resolve(".mise");
        try (var files = Files.walk(tasks)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path to = repo.resolve(".mise").resolve(tasks.relativize(f).toString());
                Files.createDirectories(to.getParent());
                Files.copy(f, to, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        Files.copy(UpstreamRepo.FIXTURE_TODAY.resolve(".mise.toml"), repo.resolve(".mise.toml"));
        UpstreamRepo.git(repo, "init", "-q");
        UpstreamRepo.git(repo, "add", "-A");
        UpstreamRepo.git(repo, "commit", "-q", "-m", "checkout");
        String image = "nssimg-it/py-slim:" + Bed.RUN_ID;
        Path cfg = tmp.resolve("profiles.yaml");
        Files.writeString(cfg, """
                profiles:
                  hermetic:
                    contexts:
                      "python:3.13.5-slim-bookworm": docker-image://nssimg-standin-cuda:2
                      "ghcr.io/astral-sh/uv:0.9.30": docker-image://nssimg-standin-uv:2
                    args: {PYTHON_VERSION: 3.13.5}
                    image: %s
                """.formatted(image));
        Path sub = repo.resolve("src");
        Map<String, String> env = Map.of("CONTAINER_GPU_EXTRA", "cu128", "XDG_CACHE_HOME", tmp.resolve("cache").toString());
        Bed.Run build = Bed.nssimg(sub, env, "build", "--config", cfg.toString(), "--profile", "hermetic");
        assertEquals(0, build.exit(), build.out() + build.err());
        Bed.Run label = Bed.docker("inspect", "--format",
                "{{index .Config.Labels \"com.nvidia.nemo.safe-synthesizer.variant\"}}", image);
        assertEquals("cu128", label.out().strip(), "CONTAINER_VARIANT followed CONTAINER_GPU_EXTRA (the task's nested default)");
        Bed.Run smoke = Bed.nssimg(sub, env, "smoke", "--config", cfg.toString(), "--profile", "hermetic");
        assertEquals(0, smoke.exit(), smoke.out() + smoke.err());
        assertTrue(smoke.out().contains("8 passed, 0 failed"), smoke.out());
        Bed.Run unknown = Bed.nssimg(sub, Map.of("CONTAINER_GPU_EXTRA", "cu131"), "build", "--config", cfg.toString(), "--profile",
                "hermetic");
        assertEquals(2, unknown.exit(), "an extra the pyproject lacks never reaches the engine: " + unknown.err());
        assertEquals("", UpstreamRepo.status(repo), "nothing written into the checkout");
    }
}
