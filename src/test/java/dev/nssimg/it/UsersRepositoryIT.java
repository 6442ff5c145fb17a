package dev.nssimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * A real build and smoke in a checkout shaped like the users' repository, from one of its subdirectories, with
 * the profiles file outside the tree: the tree's own Dockerfile (the real one, built from the offline stand-ins,
 * whose CUDA_VERSION default is 12.9.1, not the spec's) decides, and git status stays clean after every command.
 */
class UsersRepositoryIT {
    @TempDir
    Path tmp;

    @AfterEach
    void noContainersLeftBehind() {
        assertEquals(List.of(), Bed.leftovers(), "labelled containers left behind");
    }

    @Test
    void buildSmokeInspectAndDoctorFromASubdirectoryLeaveTheTreeClean() throws Exception {
        // The real Dockerfile.cuda with another CUDA default, in a tree holding the stand-in source (the fixture's
        // own pyproject.toml and package replaced by the stand-in's, which the stand-in uv can install).
        String dockerfile = Files.readString(Bed.ROOT.resolve("containers/Dockerfile.cuda"))
                .replace("ARG CUDA_VERSION=12.8.1", "ARG CUDA_VERSION=12.9.1");
        assertTrue(dockerfile.contains("ARG CUDA_VERSION=12.9.1"));
        int cudaLine = dockerfile.lines().toList().indexOf("ARG CUDA_VERSION=12.9.1") + 1;
        Path standin = Bed.ROOT.resolve("examples/offline/source");
        List<String> files = new java.util.ArrayList<>(List.of("containers/Dockerfile.offline", dockerfile,
                "containers/entrypoint.sh", Files.readString(Bed.ROOT.resolve("containers/entrypoint.sh")),
                "containers/venv-files.sh", Files.readString(Bed.ROOT.resolve("containers/venv-files.sh"))));
        for (String f : List.of("pyproject.toml", "uv.lock", "README.md", "src/nemo_safe_synthesizer/__init__.py",
                "src/nemo_safe_synthesizer/cli.py")) {
            files.addAll(List.of(f, Files.readString(standin.resolve(f))));
        }
        Path repo = UpstreamRepo.create(tmp.resolve("Safe-Synthesizer"), files.toArray(String[]::new));
        Path src = repo.resolve("src/nemo_safe_synthesizer");
        String image = "nssimg-it/users-repo:" + Bed.RUN_ID;
        Path cfg = tmp.resolve("nssimg.yaml"); // outside the tree: the user's repository holds no nssimg file
        Files.writeString(cfg, "profiles:\n  standin:\n    dockerfile: containers/Dockerfile.offline\n    context: .\n"
                + "    contexts:\n      \"nvidia/cuda:12.9.1-runtime-ubuntu22.04\": docker-image://nssimg-standin-cuda:2\n"
                + "      \"ghcr.io/astral-sh/uv:0.9.14\": docker-image://nssimg-standin-uv:2\n    image: " + image + "\n");
        Map<String, String> env = Map.of("XDG_CACHE_HOME", tmp.resolve("cache").toString());

        Bed.Run dry = Bed.nssimg(src, env, "build", "--config", cfg.toString(), "--profile", "standin", "--dry-run");
        assertEquals(0, dry.exit(), dry.err());
        assertFalse(dry.out().contains("CUDA_VERSION"), "the Dockerfile's own 12.9.1 applies: " + dry.out());

        Bed.Run b = Bed.nssimg(src, env, "build", "--config", cfg.toString(), "--profile", "standin", "--smoke");
        assertEquals(0, b.exit(), b.out() + b.err());
        assertTrue(b.out().contains("built " + image) && b.out().contains("8 passed, 0 failed"), b.out());
        // label-values compares base.name with the Dockerfile's own CUDA_VERSION default (12.9.1), so it passes only if that applied.
        assertTrue(b.out().lines().anyMatch(l -> l.contains("label-values") && l.contains("pass")
                && l.contains("containers/Dockerfile.offline:")), "label values as the Dockerfile says: " + b.out());
        assertEquals("", UpstreamRepo.status(repo), "build --smoke wrote into the tree");
        try (var s = Files.list(tmp.resolve("cache/nssimg/projects"))) {
            assertEquals(1, s.count(), "buildx's metadata went to the user's cache directory, keyed by the project");
        }

        Bed.Run inspect = Bed.nssimg(src, env, "inspect", image);
        assertEquals(0, inspect.exit(), inspect.err());
        assertTrue(inspect.out().contains("org.opencontainers.image.base.name=nvidia/cuda:12.9.1-runtime-ubuntu22.04"), inspect.out());
        Bed.Run doctor = Bed.nssimg(src, env, "doctor");
        assertTrue(doctor.out().lines().anyMatch(l -> l.startsWith("project") && l.contains("root " + repo)), doctor.out());
        Bed.Run profiles = Bed.nssimg(src, env, "profiles", "show", "standin", "--config", cfg.toString());
        assertEquals(0, profiles.exit(), profiles.err());
        assertTrue(profiles.out().contains("containers/Dockerfile.offline:" + cudaLine), "origin of CUDA_VERSION: " + profiles.out());
        assertEquals("", UpstreamRepo.status(repo), "inspect, doctor or profiles wrote into the tree");
    }

    /**
     * run from a subdirectory mounts the repository's root at /workspace and works there, with DEBIAN_FRONTEND set,
     * as the running container's own inspect shows; stopping nssimg removes the container.
     */
    @Test
    void runFromASubdirectoryMountsTheRootAsTheContainersInspectShows() throws Exception {
        Path repo = UpstreamRepo.create(tmp.resolve("Safe-Synthesizer"));
        Path sub = repo.resolve("src/nemo_safe_synthesizer");
        String image = Bed.example("runtime");
        String mark = "NSSIMG_IT_MARK=" + Bed.RUN_ID + "-root";
        List<String> argv = List.of(Bed.ROOT.resolve("bin/nssimg").toString(), "run", "--image", image, "--gpus", "none",
                "--hf-cache", tmp.resolve("hf").toString(), "-e", mark, "--", "sleep", "60");
        Process p = Bed.process(argv, sub, Map.of("XDG_CACHE_HOME", tmp.resolve("cache").toString())).start();
        try {
            com.fasterxml.jackson.databind.JsonNode c = null;
            for (int i = 0; i < 120 && c == null; i++) {
                for (String id : Bed.leftovers()) {
                    Bed.Run r = Bed.docker("inspect", id);
                    if (r.exit() == 0 && r.out().contains(mark)) {
                        c = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out()).get(0);
                    }
                }
                if (c == null) {
                    Thread.sleep(250);
                }
            }
            assertTrue(c != null, "no running container of nssimg run");
            assertEquals("/workspace", c.path("Config").path("WorkingDir").asText());
            boolean rootAtWorkspace = false;
            for (com.fasterxml.jackson.databind.JsonNode m : c.path("Mounts")) {
                rootAtWorkspace |= m.path("Destination").asText().equals("/workspace")
                        && m.path("Source").asText().equals(repo.toRealPath().toString());
            }
            assertTrue(rootAtWorkspace, "the root, not " + sub + ", at /workspace: " + c.path("Mounts"));
            assertTrue(c.path("Config").path("Env").toString().contains("DEBIAN_FRONTEND=noninteractive"), c.path("Config").toString());
        } finally {
            p.destroy(); // SIGTERM: nssimg removes its container on the way out
            p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
        }
        for (int i = 0; i < 40 && !Bed.leftovers().isEmpty(); i++) {
            Thread.sleep(250);
        }
        assertEquals("", UpstreamRepo.status(repo), "run left something in the tree");
    }
}
