package dev.nssimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The users' main job on a real engine: build, smoke, run, doctor, inspect, all through bin/nssimg. */
class BuildSmokeRunIT {
    @BeforeAll
    static void engineUp() {
        Bed.engine();
    }

    @AfterEach
    void noContainersLeftBehind() {
        assertEquals(List.of(), Bed.leftovers(), "labelled containers left behind");
    }

    @Test
    void buildsAndSmokesTheExampleRuntimeAndDev() {
        for (String target : List.of("runtime", "dev")) {
            Bed.Run b = Bed.nssimg("build", "--profile", "example", "--target", target);
            assertEquals(0, b.exit(), b.err());
            assertTrue(b.out().matches("(?s)built nss-example(-dev)?:latest\\n  digest     sha256:[0-9a-f]{64}\\n.*"), b.out());
            assertTrue(b.out().contains("  platforms  linux/amd64") && b.out().contains("  size       "), b.out());
            assertTrue(b.out().matches("(?s).*steps      \\d+ cached of \\d+.*"), b.out());
            Bed.Run s = Bed.nssimg("smoke", "--profile", "example", "--target", target);
            assertEquals(0, s.exit(), s.out() + s.err());
            assertTrue(s.out().contains("8 passed, 0 failed"), s.out());
            // smoke reports the size and the largest layers, each with the real Dockerfile's line.
            assertTrue(s.out().matches("(?s).*\\n  size     [0-9.]+ [KMG]?i?B in \\d+ layers\\n  largest  .*containers/Dockerfile\\.cuda:\\d+ .*"),
                    s.out());
        }
    }

    @Test
    void aCachedRebuildReportsEveryStepCached() {
        Bed.example("runtime");
        Bed.Run b = Bed.nssimg("build", "--profile", "example");
        Matcher m = Pattern.compile("steps      (\\d+) cached of (\\d+)").matcher(b.out());
        assertTrue(m.find(), b.out());
        assertEquals(m.group(2), m.group(1), "all steps cached");
        assertTrue(Integer.parseInt(m.group(2)) >= 8, "counts the Dockerfile's steps: " + m.group(2));
    }

    @Test
    void buildWithSmokeAndJsonAndReport(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("smoke.xml");
        Path summary = dir.resolve("step-summary.md");
        Bed.Run b = Bed.nssimg(Bed.ROOT, Bed.env("GITHUB_STEP_SUMMARY", summary.toString()), "build", "--profile", "example", "--json", "--smoke");
        assertEquals(0, b.exit(), b.err());
        String md = Files.readString(summary); // GitHub Actions' job summary: the build, then its smoke checks
        assertTrue(md.startsWith("### nssimg built nss-example:latest\n") && md.contains("| digest | sha256:")
                && md.contains("\n### nssimg smoke nss-example:latest: all 8 checks passed\n"), md);
        List<String> lines = b.out().lines().toList();
        ObjectMapper m = new ObjectMapper();
        JsonNode result = null;
        for (String l : lines) {
            JsonNode n = m.readTree(l);
            if ("result".equals(n.path("event").asText())) {
                result = n;
            }
        }
        assertTrue(result != null, b.out());
        assertTrue(result.path("digest").asText().startsWith("sha256:"));
        assertTrue(result.path("steps").asInt() > 0);
        JsonNode smoke = m.readTree(lines.get(lines.size() - 1));
        assertTrue(smoke.path("passed").asBoolean(), b.out());
        Bed.Run s = Bed.nssimg("smoke", "--profile", "example", "--report", report.toString());
        assertEquals(0, s.exit());
        String xml = Files.readString(report);
        assertTrue(xml.contains("tests=\"8\" failures=\"0\""), xml);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "missing-label|LABEL org.opencontainers.image.vendor=\"\"|labels|missing or empty: vendor",
        "root-user|USER root|user|runs as root",
        "help-fails|RUN printf '#!/bin/sh\\nexit 1\\n' > /opt/venv/bin/safe-synthesizer|help-exit|--help exited 1",
        "help-hangs|RUN printf '#!/bin/sh\\nexec sleep 300\\n' > /opt/venv/bin/safe-synthesizer|help-exit|did not finish within 3 s",
        "no-tini|ENTRYPOINT [\"/usr/local/bin/entrypoint.sh\"]|entrypoint|expected [/usr/bin/tini",
        "no-gpu-env|ENV NVIDIA_VISIBLE_DEVICES=void|nvidia-env|NVIDIA_VISIBLE_DEVICES=void",
    })
    void aBrokenImageFailsTheRightCheck(String name, String instruction, String check, String detail) throws Exception {
        String base = Bed.example("runtime");
        String user = instruction.startsWith("RUN") ? "USER root\n" + instruction + "\nUSER 1000:1000" : instruction;
        String tag = Bed.fixture(name, "FROM " + base + "\n" + user + "\n");
        long t0 = System.nanoTime();
        Bed.Run s = Bed.nssimg("smoke", "--profile", "example", "--image", tag, "--timeout", "3");
        long secs = (System.nanoTime() - t0) / 1_000_000_000L;
        assertEquals(1, s.exit(), s.out() + s.err());
        String row = s.out().lines().filter(l -> l.contains(" " + check + " ")).findFirst().orElse("");
        assertTrue(row.contains("FAIL") && row.contains(detail), "row for " + check + ": " + s.out());
        long failures = s.out().lines().filter(l -> l.contains(" FAIL ")).count();
        if (!name.startsWith("help")) {
            assertEquals(1, failures, "only " + check + " fails: " + s.out());
        }
        assertTrue(secs < 60, "smoke took " + secs + " s");
        Bed.docker("image", "rm", "-f", tag);
    }

    @Test
    void smokeOfAMissingImageSaysHowToBuildIt() {
        Bed.Run s = Bed.nssimg("smoke", "--image", "nssimg-it/absent:" + Bed.RUN_ID);
        assertEquals(1, s.exit());
        assertTrue(s.err().contains("not found on the engine") && s.err().contains("nssimg build --target runtime"), s.err());
        assertEquals(1, s.err().strip().lines().count());
    }

    @Test
    void runMountsTheWorkspaceCreatesTheCacheAndPassesTheExitCode(@TempDir Path dir) throws Exception {
        Bed.example("runtime");
        Files.writeString(dir.resolve("marker.txt"), "x");
        // The container runs as uid 1000; JUnit's temporary directories are private to root.
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path hf = dir.resolve("cache/hf");
        Bed.Run env = Bed.nssimg(dir, Map.of(), "run", "--profile", "example", "--config",
                Bed.ROOT.resolve("containers/profiles.yaml").toString(), "--gpus", "none", "--hf-cache", hf.toString(), "--", "env");
        assertEquals(0, env.exit(), env.err());
        assertTrue(Files.isDirectory(hf), "HF cache created");
        assertTrue(env.out().contains("HF_HOME=/workspace/.hf_cache"), env.out());
        assertTrue(env.out().contains("marker.txt"), "cwd mounted at /workspace: " + env.out());
        assertTrue(env.out().contains("uid=1000"), env.out());
        Bed.Run exit = Bed.nssimg(dir, Map.of("CONTAINER_GPU_FLAG", ""), "run", "--config",
                Bed.ROOT.resolve("containers/profiles.yaml").toString(), "--profile", "example", "--hf-cache", hf.toString(), "--", "exit", "7");
        assertEquals(7, exit.exit(), exit.err());
        Bed.Run mount = Bed.nssimg(dir, Map.of("CONTAINER_EXTRA_MOUNTS", "-v " + dir + ":/data:ro"), "run", "--config",
                Bed.ROOT.resolve("containers/profiles.yaml").toString(), "--profile", "example", "--gpus", "none",
                "--hf-cache", hf.toString(), "--", "env");
        assertEquals(0, mount.exit(), mount.err());
    }

    @Test
    void stdinReachesTheContainerOnATerminalOrWithInteractive() {
        Bed.example("runtime");
        String run = Bed.ROOT.resolve("bin/nssimg") + " run --profile example --gpus none --hf-cache /tmp/nssimg-it-hf";
        // A real terminal (script allocates a pty): stdin is attached without asking.
        Bed.Run tty = Bed.exec(List.of("bash", "-c", "(sleep 3; echo from-a-terminal) | script -qec '" + run + " -- read' /dev/null"),
                Bed.ROOT, Map.of(), 120);
        assertEquals(0, tty.exit(), tty.all());
        assertTrue(tty.out().contains("read: from-a-terminal"), tty.out());
        Bed.Run piped = Bed.exec(List.of("bash", "-c", "echo from-a-pipe | " + run + " -i -- read"), Bed.ROOT, Map.of(), 120);
        assertEquals(0, piped.exit(), piped.err());
        assertTrue(piped.out().contains("read: from-a-pipe"), piped.out());
        Bed.Run closed = Bed.exec(List.of("bash", "-c", "echo not-passed | " + run + " -- read"), Bed.ROOT, Map.of(), 120);
        assertEquals("read:", closed.out().strip(), "without a terminal or -i, stdin is not attached");
    }

    /** The second engine has neither the NVIDIA runtime nor CDI (the first one has CDI with the stand-in spec). */
    @Test
    void gpusOnAnEngineWithoutNvidiaIsAnEnvironmentError() {
        Map<String, String> second = Map.of("DOCKER_HOST", Bed.engine2());
        Bed.Run r = Bed.nssimg(Bed.ROOT, second, "run", "--image", "nssimg-example-base:amd64", "--gpus", "all",
                "--hf-cache", "/tmp/nssimg-it-hf", "--", "true");
        assertEquals(3, r.exit(), r.err());
        String last = r.err().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("nssimg: error: the engine has no NVIDIA runtime for --gpus all and its cdi feature is off")
                && last.contains("--gpus none"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace");
        // The podman form asks for CDI on every engine; this one refuses it in its own words, which become exit 3.
        Bed.Run cdi = Bed.nssimg(Bed.ROOT, Map.of("DOCKER_HOST", Bed.engine2(), "CONTAINER_GPU_FLAG", "--device nvidia.com/gpu=all"),
                "run", "--image", "nssimg-example-base:amd64", "--hf-cache", "/tmp/nssimg-it-hf", "--", "true");
        assertEquals(3, cdi.exit(), cdi.err());
        assertEquals(List.of("nssimg: error: the engine cannot inject CDI devices (nvidia.com/gpu=all): its cdi feature is off;"
                + " enable {\"features\":{\"cdi\":true}} in daemon.json (Docker 25-28.1), or pass --gpus none"), cdi.err().strip().lines().toList());
        assertEquals(List.of(), Bed.exec(List.of("docker", "ps", "-aq", "--filter", "label=nssimg.run"), Bed.ROOT, second, 30)
                .out().lines().toList(), "no container left on the second engine");
    }

    /**
     * The first engine's cdi feature reads the test bed's stand-in spec (test scaffolding: /dev/null as /dev/nvidia0
     * and a stand-in nvidia-smi). --gpus all becomes a CDI request, so the entrypoint finds nvidia-smi.
     */
    @Test
    void gpusThroughCdiInjectTheDevicesAndTheEntrypointStopsHinting() {
        Bed.example("runtime");
        String hint = "nss-entrypoint: hint: nvidia-smi not found";
        Bed.Run without = Bed.nssimg("run", "--profile", "example", "--gpus", "none", "--hf-cache", "/tmp/nssimg-it-hf", "--", "env");
        assertEquals(0, without.exit(), without.err());
        assertTrue(without.err().contains(hint), "the control: no GPU, the hint: " + without.err());
        Bed.Run with = Bed.nssimg("run", "--profile", "example", "--gpus", "all", "--hf-cache", "/tmp/nssimg-it-hf", "--", "env");
        assertEquals(0, with.exit(), with.err());
        assertFalse(with.err().contains(hint), "nvidia-smi injected: " + with.err());

        Bed.Run one = Bed.nssimg("run", "--image", "nssimg-example-base:amd64", "--gpus", "1", "--hf-cache", "/tmp/nssimg-it-hf", "--",
                "sh", "-c", "nvidia-smi && ls -l /dev/nvidia0 && echo standin=$NSSIMG_CDI_STANDIN");
        assertEquals(0, one.exit(), one.err());
        assertTrue(one.out().contains("NVIDIA-SMI stand-in (nssimg test bed)") && one.out().contains("standin=1"), one.out());
        assertTrue(one.out().lines().anyMatch(l -> l.startsWith("c") && l.contains("1,   3") && l.endsWith("/dev/nvidia0")),
                "a character device 1:3 (the host's /dev/null) as /dev/nvidia0: " + one.out());
        Bed.Run env = Bed.nssimg(Bed.ROOT, Map.of("CONTAINER_GPU_FLAG", "--device nvidia.com/gpu=all"), "run", "--image",
                "nssimg-example-base:amd64", "--hf-cache", "/tmp/nssimg-it-hf", "--", "nvidia-smi");
        assertEquals(0, env.exit(), env.err());

        Bed.Run two = Bed.nssimg("run", "--image", "nssimg-example-base:amd64", "--gpus", "2", "--hf-cache", "/tmp/nssimg-it-hf", "--", "true");
        assertEquals(3, two.exit(), two.err());
        assertTrue(two.err().strip().startsWith("nssimg: error: CDI device nvidia.com/gpu=1 (for 2) is not offered by the engine's specs")
                && two.err().contains("offered: nvidia.com/gpu=0, nvidia.com/gpu=all"), two.err());
    }

    @Test
    void doctorPassesHereAndFailsWithoutAnEngine() {
        Bed.Run ok = Bed.nssimg(Bed.ROOT, Map.of(), "doctor", "--registry", Bed.REGISTRY);
        assertEquals(0, ok.exit(), ok.out() + ok.err());
        for (String row : List.of("engine ", "image-store ", "buildx ", "builders ", "qemu ", "disk ", "registry ")) {
            assertTrue(ok.out().lines().anyMatch(l -> l.startsWith(row) && l.contains(" ok ")), row + " ok: " + ok.out());
        }
        assertTrue(ok.out().lines().anyMatch(l -> l.startsWith("nssimg-daemon") && l.contains(" ok ")
                && l.contains("this check ran in daemon ")), ok.out());
        Bed.Run off = Bed.nssimg(Bed.ROOT, Map.of("NSSIMG_DAEMON", "0"), "doctor", "--json");
        assertTrue(off.out().contains("\"off (NSSIMG_DAEMON=0): every command starts its own JVM\""), off.out());
        assertTrue(ok.out().lines().anyMatch(l -> l.startsWith("nvidia-runtime") && l.contains(" warn ") && l.contains("--gpus uses CDI")),
                ok.out());
        assertTrue(ok.out().lines().anyMatch(l -> l.startsWith("cdi ") && l.contains(" ok ") && l.contains("/var/lib/nssimg-testbed/cdi")
                && l.contains("devices nvidia.com/gpu=0, nvidia.com/gpu=all")), "the local engine's CDI devices: " + ok.out());
        Bed.Run second = Bed.nssimg(Bed.ROOT, Map.of("DOCKER_HOST", Bed.engine2()), "doctor");
        assertTrue(second.out().lines().anyMatch(l -> l.startsWith("cdi ") && l.contains(" warn ") && l.contains("cdi feature off")),
                second.out());
        Bed.Run bad = Bed.nssimg(Bed.ROOT, Map.of("DOCKER_HOST", "unix:///nonexistent/docker.sock"), "doctor");
        assertEquals(3, bad.exit(), bad.out());
        assertTrue(bad.out().lines().anyMatch(l -> l.startsWith("engine") && l.contains(" fail ")), bad.out());
    }

    @Test
    void anUnreachableEngineIsExit3WithOneLine() {
        Bed.Run r = Bed.nssimg(Bed.ROOT, Map.of("DOCKER_HOST", "unix:///nonexistent/docker.sock"), "smoke", "--profile", "example");
        assertEquals(3, r.exit(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("cannot reach the Docker engine at unix:///nonexistent/docker.sock"), r.err());
    }

    @Test
    void aFailingStepIsNamed() throws Exception {
        Path dir = Files.createTempDirectory("nssimg-fail");
        Files.writeString(dir.resolve("Dockerfile"), "FROM nssimg-example-base:amd64 AS runtime\nRUN echo step-one\nRUN exit 3\n");
        Bed.Run r = Bed.nssimg("build", "--file", dir.resolve("Dockerfile").toString(), "--context", dir.toString(), "--tag",
                "nssimg-it/fail:" + Bed.RUN_ID);
        assertEquals(1, r.exit(), r.err());
        String last = r.err().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("nssimg: error: build failed at step [3/3] RUN exit 3: "), last);
        assertTrue(last.contains("exit code: 3"), last);
    }

    @Test
    void inspectShowsTheLocalImage() {
        Bed.example("runtime");
        Bed.Run r = Bed.nssimg("inspect", "nss-example:latest");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("user        1000:1000"));
        assertTrue(r.out().contains("com.nvidia.nss.build.cuda-arch-flags=80;86;90;90a"), r.out());
        assertTrue(r.out().contains("org.opencontainers.image.revision="), "nssimg adds the revision label: " + r.out());
    }
}
