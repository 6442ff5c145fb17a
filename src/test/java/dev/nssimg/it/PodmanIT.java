package dev.nssimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nssimg on the test bed's real podman (5.4, scripts/testbed: its own configuration, storage and API socket,
 * the docker engine's base and stand-in images copied into its store, the CDI stand-in spec in /etc/cdi): the real
 * Dockerfile.cuda built offline, smoke-tested and run through podman's Docker-compatible API, a multi-arch push to
 * the loopback registry checked with docker buildx imagetools, and a small test-scaffolding Dockerfile for one-call
 * multi-arch builds with a cache mount and a secret. Without podman these tests fail (never skip), as CI requires.
 */
class PodmanIT {
    static final Pattern DIGEST = Pattern.compile("digest\\s+(sha256:[0-9a-f]{64})");

    /** The test bed's podman environment (scripts/testbed env), checked: podman runs and its API answers. */
    static Map<String, String> podman() {
        String host = System.getenv("NSSIMG_PODMAN_HOST");
        if (host == null || host.isBlank() || System.getenv("CONTAINERS_CONF") == null) {
            fail("NSSIMG_PODMAN_HOST and CONTAINERS_CONF are not set: these tests use the test bed's podman. Run them with"
                    + " scripts/test (make test), or eval \"$(scripts/testbed env)\" first (CI=" + System.getenv("CI") + ")");
        }
        Bed.Run v = Bed.exec(List.of("podman", "version", "--format", "{{.Client.Version}}"), Bed.ROOT, Map.of(), 60);
        if (v.exit() != 0 || !v.out().startsWith("5.")) {
            fail("podman 5 is not installed or does not run: " + v.out() + v.err() + " (scripts/testbed up installs it)");
        }
        Bed.Run ping = Bed.exec(List.of("curl", "-fsS", "--unix-socket", host.substring("unix://".length()), "http://podman/_ping"),
                Bed.ROOT, Map.of(), 30);
        if (ping.exit() != 0) {
            fail("podman's API service at " + host + " does not answer: " + ping.err() + " (scripts/testbed up starts it)");
        }
        return Map.of("CONTAINER_CMD", "podman");
    }

    /** This run's images in podman's store (tags and the pushed index's pulls carry RUN_ID), removed at the end. */
    @org.junit.jupiter.api.AfterAll
    static void removeRunImages() {
        Bed.Run ls = podmanCli("images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}");
        // By name where there is one (a manifest list is removed by its name), else by id; one by one.
        List<String> refs = ls.out().lines().filter(l -> l.contains(Bed.RUN_ID))
                .map(l -> l.contains(":<none> ") ? l.substring(l.lastIndexOf(' ') + 1) : l.substring(0, l.lastIndexOf(' ')))
                .distinct().toList();
        for (String ref : refs) {
            if (podmanCli("manifest", "rm", ref).exit() != 0) {
                podmanCli("rmi", "--force", "--ignore", ref);
            }
        }
    }

    static Bed.Run nssimg(Map<String, String> env, String... args) {
        return Bed.nssimg(Bed.ROOT, env, args);
    }

    static Bed.Run podmanCli(String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("podman"));
        argv.addAll(List.of(args));
        return Bed.exec(argv, Bed.ROOT, Map.of(), 300);
    }

    @Test
    void theRealDockerfileBuildsSmokesAndRunsOnPodman() {
        Map<String, String> env = podman();
        Bed.Run build = nssimg(env, "build", "--profile", "example");
        assertEquals(0, build.exit(), build.err());
        assertTrue(build.out().startsWith("built nss-example:latest"), build.out());
        assertTrue(build.out().lines().anyMatch(l -> l.matches("\\s+steps\\s+unknown \\(the engine does not say\\) cached of [1-9]\\d*")),
                "podman does not say which steps were cached: unknown, not 0: " + build.out());
        assertTrue(build.err().contains("STEP ") && !build.err().contains("buildx"), "podman build ran, not buildx: " + build.err());
        assertEquals(0, podmanCli("image", "exists", "localhost/nss-example:latest").exit(), "in podman's own store");

        Bed.Run inspect = nssimg(env, "inspect", "nss-example:latest");
        assertEquals(0, inspect.exit(), inspect.err());
        assertTrue(inspect.out().contains("user        1000:1000") && inspect.out().contains("platform    linux/amd64"), inspect.out());

        Bed.Run smoke = nssimg(env, "smoke", "--profile", "example");
        assertEquals(0, smoke.exit(), smoke.out() + smoke.err());
        assertTrue(smoke.out().contains("8 passed, 0 failed"), smoke.out());

        // CDI through podman's API: the stand-in spec in /etc/cdi is injected, so the entrypoint's GPU hint stays quiet.
        Bed.Run run = nssimg(env, "run", "--profile", "example", "--gpus", "all", "--hf-cache", "/tmp/nssimg-it-hf", "--", "env");
        assertEquals(0, run.exit(), run.err());
        assertFalse(run.err().contains("nvidia-smi not found"), run.err());
        assertTrue(run.out().contains("uid=1000"), run.out());
        Bed.Run one = nssimg(env, "run", "--image", "nssimg-example-base:amd64", "--gpus", "1", "--hf-cache", "/tmp/nssimg-it-hf",
                "--", "sh", "-c", "nvidia-smi && echo standin=$NSSIMG_CDI_STANDIN && exit 5");
        assertEquals(5, one.exit(), "the container's exit code: " + one.err());
        assertTrue(one.out().contains("NVIDIA-SMI stand-in (nssimg test bed)") && one.out().contains("standin=1"), one.out());
        Map<String, String> flag = new java.util.HashMap<>(env);
        flag.put("CONTAINER_GPU_FLAG", "--device nvidia.com/gpu=all");
        assertEquals(0, nssimg(flag, "run", "--image", "nssimg-example-base:amd64", "--hf-cache", "/tmp/nssimg-it-hf", "--",
                "nvidia-smi").exit(), "upstream's podman form of CONTAINER_GPU_FLAG");
        Bed.Run two = nssimg(env, "run", "--image", "nssimg-example-base:amd64", "--gpus", "2", "--hf-cache", "/tmp/nssimg-it-hf", "--", "true");
        assertEquals(3, two.exit(), two.err());
        assertTrue(two.err().contains("offered: nvidia.com/gpu=0, nvidia.com/gpu=all"), two.err());
        assertEquals("", podmanCli("ps", "-aq", "--filter", "label=nssimg.run").out().strip(), "no container left in podman");
        assertEquals("", podmanCli("ps", "-aq", "--filter", "label=nssimg.smoke").out().strip(), "no smoke container left");

        // The image is podman's: asked on docker, nssimg names the setting that switches.
        Bed.Run docker = Bed.nssimg(Bed.ROOT, Map.of("CONTAINER_CMD", "docker"), "smoke", "--image", "localhost/nss-example:latest");
        assertEquals(1, docker.exit(), docker.err());
        assertTrue(docker.err().strip().endsWith("podman's store at " + System.getenv("NSSIMG_PODMAN_HOST")
                + " has it: use --engine podman (or CONTAINER_CMD=podman)"), docker.err());
    }

    @Test
    void aMultiArchPushIsOneManifestListSmokedByDigestAndReadByImagetools() {
        Map<String, String> env = podman();
        String registry = Bed.REGISTRY + "/nssimg-it-podman-" + Bed.RUN_ID;
        Bed.Run r = nssimg(env, "build", "--profile", "example", "--multiarch", "--registry", registry, "--smoke");
        assertEquals(0, r.exit(), r.out() + r.err());
        String ref = registry + "/nss-example:latest";
        assertTrue(r.out().startsWith("pushed " + ref), r.out());
        assertTrue(r.out().contains("linux/amd64, linux/arm64 (split: one build per platform)"),
                "the arm64 SM list differs, so one podman build per platform, both in one list: " + r.out());
        Matcher m = DIGEST.matcher(r.out());
        assertTrue(m.find(), r.out());
        String digest = m.group(1);
        assertTrue(r.out().contains("smoke " + registry + "/nss-example@" + digest), "the pushed index, by digest: " + r.out());
        assertTrue(r.out().contains("16 passed, 0 failed"), r.out());
        Bed.Run inspect = Bed.docker("buildx", "imagetools", "inspect", ref);
        assertEquals(0, inspect.exit(), inspect.err());
        assertTrue(inspect.out().contains("Digest:    " + digest), inspect.out());
        assertTrue(inspect.out().contains("Platform:  linux/amd64") && inspect.out().contains("Platform:  linux/arm64"), inspect.out());
        assertEquals(2, inspect.out().lines().filter(l -> l.strip().startsWith("Platform:")).count(),
                "this build's two images only (the list was emptied first): " + inspect.out());
    }

    /**
     * Test scaffolding written here (not the real Dockerfile): the same platforms built by one podman call, with a
     * cache mount and a secret, pushed as one index.
     */
    @Test
    void oneCallBuildsBothPlatformsWithACacheMountAndASecret(@TempDir Path dir) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(podman());
        Files.writeString(dir.resolve("Dockerfile"), "FROM nssimg-example-base:${TARGETARCH}\n"
                + "RUN --mount=type=cache,target=/cache uname -m > /cache/arch && cp /cache/arch /arch\n"
                + "RUN --mount=type=secret,id=tok test \"$(wc -c < /run/secrets/tok)\" -eq 12 && echo seen > /secret-seen\n"
                + "LABEL org.opencontainers.image.title=podman-scaffold\n");
        env.put("NSSIMG_IT_TOKEN", "s3cr3t-value");
        String tag = Bed.REGISTRY + "/nssimg-it/podman-scaffold:" + Bed.RUN_ID;
        Bed.Run r = Bed.nssimg(dir, env, "build", "--file", "Dockerfile", "--context", ".", "--platform", "linux/amd64,linux/arm64",
                "--tag", tag, "--secret", "id=tok,env=NSSIMG_IT_TOKEN");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("[linux/amd64]") && r.err().contains("[linux/arm64]"), "one podman call, both platforms: " + r.err());
        assertFalse((r.out() + r.err()).contains("s3cr3t-value"), "the secret's value is never printed");
        Bed.Run dry = Bed.nssimg(dir, env, "build", "--file", "Dockerfile", "--context", ".", "--platform", "linux/amd64,linux/arm64",
                "--tag", tag, "--secret", "id=tok,env=NSSIMG_IT_TOKEN", "--dry-run");
        List<String> lines = dry.out().strip().lines().toList();
        assertEquals(3, lines.size(), dry.out());
        assertTrue(lines.get(1).contains("podman build --file Dockerfile --platform linux/amd64,linux/arm64 ")
                && lines.get(1).contains(" --secret id=tok,env=NSSIMG_IT_TOKEN ") && lines.get(1).contains(" --manifest " + tag), lines.get(1));
        Bed.Run inspect = Bed.docker("buildx", "imagetools", "inspect", tag);
        assertTrue(inspect.out().contains("Platform:  linux/amd64") && inspect.out().contains("Platform:  linux/arm64"), inspect.out());
        for (String arch : List.of("amd64", "arm64")) {
            Bed.Run c = podmanCli("run", "--rm", "--platform", "linux/" + arch, tag, "sh", "-c", "cat /arch /secret-seen; ls /run/secrets 2>&1");
            assertEquals(0, c.exit(), c.err());
            assertTrue(c.out().startsWith(arch.equals("amd64") ? "x86_64\nseen" : "aarch64\nseen"), arch + ": " + c.out());
        }
        Bed.Run history = podmanCli("image", "inspect", tag);
        assertFalse(history.out().contains("s3cr3t-value"), "no secret in the image's config or history");
        podmanCli("manifest", "rm", "--ignore", tag);
    }

    @Test
    void doctorSaysWhichEngineAndFindsTheSocketOrSaysHowToStartIt() {
        Map<String, String> env = podman();
        Bed.Run ok = nssimg(env, "doctor", "--registry", Bed.REGISTRY);
        assertEquals(0, ok.exit(), ok.out() + ok.err());
        assertTrue(ok.out().lines().anyMatch(l -> l.startsWith("engine-choice") && l.contains("podman: env CONTAINER_CMD=podman")), ok.out());
        assertTrue(ok.out().lines().anyMatch(l -> l.startsWith("engine ") && l.contains(" ok ") && l.contains("podman's Docker-compatible API 5.")),
                ok.out());
        assertTrue(ok.out().lines().anyMatch(l -> l.startsWith("cdi ") && l.contains("/etc/cdi")
                && l.contains("devices nvidia.com/gpu=0, nvidia.com/gpu=all")), ok.out());
        Map<String, String> gone = new java.util.HashMap<>(env);
        gone.put("NSSIMG_PODMAN_HOST", "unix:///tmp/nssimg-it-no-podman-" + Bed.RUN_ID + ".sock");
        Bed.Run off = nssimg(gone, "doctor");
        assertEquals(3, off.exit(), off.out() + off.err());
        assertTrue(off.out().lines().anyMatch(l -> l.startsWith("engine ") && l.contains(" fail ") && l.contains("does not exist")), off.out());
        assertTrue(off.out().contains("podman system service --time=0 unix:///tmp/nssimg-it-no-podman-"), off.out());
        Bed.Run auto = Bed.nssimg(Bed.ROOT, Map.of(), "doctor");
        assertTrue(auto.out().lines().anyMatch(l -> l.startsWith("engine-choice") && l.contains("docker: auto")
                && l.contains("docker with buildx")), "with buildx, auto is docker: " + auto.out());
    }
}
