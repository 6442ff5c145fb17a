package dev.nssimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NVIDIA's run flags (ipc, ulimits, shm-size) from the pytorch preset, a profile's run: section and flags. This
 * machine's hard memlock limit is 8 MiB, so the preset's memlock=-1 is checked as argv and as the engine's refusal;
 * the real container runs with a memlock under the limit.
 */
class RunFlagsIT {
    static final String BASE = "nssimg-example-base:amd64";

    @AfterEach
    void noContainersLeftBehind() {
        assertEquals(List.of(), Bed.leftovers());
    }

    @Test
    void thePytorchPresetIsNvidiasFlagsWithTheHostsShm() {
        Bed.Run dry = Bed.nssimg("run", "--profile", "example", "--preset", "pytorch", "--gpus", "all", "--hf-cache", "/tmp/nssimg-it-hf",
                "--dry-run", "--", "config", "validate", "x.yaml");
        assertEquals(0, dry.exit(), dry.err());
        String line = dry.out().strip();
        assertTrue(line.startsWith("docker run --rm --label nssimg.run=true --gpus all --ipc=host --ulimit=memlock=-1:-1"
                + " --ulimit=stack=67108864:67108864 -v " + Bed.ROOT + ":/workspace -v /tmp/nssimg-it-hf:/workspace/.hf_cache -w /workspace"
                + " -e HF_HOME=/workspace/.hf_cache -e DEBIAN_FRONTEND=noninteractive nss-example:latest config validate x.yaml"), line);
        assertFalse(line.contains("--shm-size"), "ipc host: the host's /dev/shm, no size");
        Bed.Run shm = Bed.nssimg(Bed.ROOT, Map.of("HF_TOKEN", "secret-value"), "run", "--profile", "example", "--gpus", "none",
                "--hf-cache", "/tmp/nssimg-it-hf", "--shm-size", "2g", "--ulimit", "nofile=1024:2048", "-e", "HF_TOKEN", "--dry-run");
        assertEquals(0, shm.exit(), shm.err());
        assertTrue(shm.out().contains(" --shm-size=2g --ulimit=nofile=1024:2048 ") && shm.out().contains(" -e HF_TOKEN "), shm.out());
        assertFalse(shm.out().contains("secret-value"), "a host value is passed by name, never printed");
        Bed.Run both = Bed.nssimg("run", "--profile", "example", "--preset", "pytorch", "--shm-size", "2g", "--gpus", "none",
                "--hf-cache", "/tmp/nssimg-it-hf", "--dry-run");
        assertTrue(both.err().contains("warning: flag --shm-size: --shm-size 2g is not passed with ipc host (preset pytorch)"), both.err());
    }

    @Test
    void aProfilesRunSectionReachesTheRealContainer(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("containers"));
        Files.writeString(dir.resolve("containers/profiles.yaml"), """
                profiles:
                  job:
                    image: %s
                    run:
                      preset: pytorch
                      # under this machine's 8 MiB hard limit (NVIDIA's -1 cannot start a container here)
                      ulimits: {memlock: "8388608"}
                      env: {NCCL_DEBUG: INFO}
                      mounts: ["%s:/data:ro"]
                """.formatted(BASE, dir.resolve("containers")));
        Bed.Run r = Bed.nssimg(dir, Map.of(), "run", "--profile", "job", "--gpus", "none", "--hf-cache", dir.resolve("hf").toString(), "--",
                "sh", "-c", "echo memlock=$(ulimit -l) stack=$(ulimit -s) nccl=$NCCL_DEBUG; ls /data; df -k /dev/shm | tail -1");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("memlock=8192 stack=65536 nccl=INFO"), "the profile's memlock over the preset's, its stack: " + r.out());
        assertTrue(r.out().contains("profiles.yaml"), "the profile's mount: " + r.out());
        long shmKib = Long.parseLong(r.out().strip().lines().reduce((a, b) -> b).orElse("").trim().split("\\s+")[1]);
        assertTrue(shmKib > 64 * 1024, "ipc host: the host's /dev/shm, not the engine's 64 MiB default: " + r.out());
    }

    @Test
    void aUlimitTheEngineRefusesIsOneLineNamingIt() {
        Bed.Run r = Bed.nssimg("run", "--image", BASE, "--preset", "pytorch", "--gpus", "none", "--hf-cache", "/tmp/nssimg-it-hf", "--", "true");
        assertEquals(3, r.exit(), r.err());
        List<String> lines = r.err().strip().lines().toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("nssimg: error: the engine refused --ulimit memlock=-1:-1 (error setting rlimit type 8"), lines.get(0));
        assertTrue(lines.get(0).contains("hard limit is lower"), lines.get(0));
    }
}
