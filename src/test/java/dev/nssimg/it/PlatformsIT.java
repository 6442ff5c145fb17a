package dev.nssimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One tag from two Dockerfiles (platform-dockerfiles), and one build across two engines (platform-builders naming
 * a docker context: the test bed's second engine), pushed to the loopback registry. The main file is the real
 * containers/Dockerfile.cuda built offline (profiles that extend offline, in the stand-in checkout of Bed.checkout).
 */
class PlatformsIT {
    /**
     * The arm64 Dockerfile of a "spark" profile, shaped like upstream's Dockerfile.cuda-aarch64 (one unnamed stage,
     * its own base and CUDA version): the real entrypoint at another path, so the platforms' entrypoints differ.
     * Test scaffolding written here (its base is the test bed's busybox one, its safe-synthesizer a script that
     * prints a usage line), not a copy of any product file.
     */
    static final String AARCH64 = """
            ARG CUDA_VERSION=13.0.1
            ARG UBUNTU_VERSION=24.04
            FROM nssimg-example-base:arm64
            ARG CUDA_VERSION
            ARG UBUNTU_VERSION
            COPY containers/entrypoint.sh /opt/nss/entrypoint.sh
            RUN echo 'appuser:x:1000:1000:appuser:/home/appuser:/bin/bash' >> /etc/passwd \\
             && mkdir -p /workspace /home/appuser /opt/venv/bin && chown 1000:1000 /workspace /home/appuser \\
             && printf '#!/bin/sh\\necho "usage: safe-synthesizer (spark stand-in)"\\n' > /opt/venv/bin/safe-synthesizer \\
             && chmod 0755 /opt/nss/entrypoint.sh /opt/venv/bin/safe-synthesizer && echo aarch64-file > /built-from
            ENV PATH=/opt/venv/bin:/usr/local/bin:/usr/bin:/bin HOME=/home/appuser \\
                NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=compute,utility
            LABEL org.opencontainers.image.title="spark stand-in" org.opencontainers.image.description="test" \\
                  org.opencontainers.image.vendor="NVIDIA Corporation" org.opencontainers.image.licenses="Apache-2.0" \\
                  org.opencontainers.image.source="https://github.com/NVIDIA-NeMo/Safe-Synthesizer" \\
                  org.opencontainers.image.documentation="https://example.invalid/docs" \\
                  org.opencontainers.image.base.name="nvidia/cuda:${CUDA_VERSION}-runtime-ubuntu${UBUNTU_VERSION}" \\
                  org.opencontainers.image.usage="docker run --rm nss-gpu:latest --help"
            WORKDIR /workspace
            USER 1000:1000
            ENTRYPOINT ["/usr/bin/tini", "--", "/opt/nss/entrypoint.sh"]
            CMD ["--help"]
            """;

    @AfterEach
    void noContainersLeftBehind() {
        assertEquals(List.of(), Bed.leftovers());
    }

    /** The stand-in checkout with the spark arm64 Dockerfile and one more profile (YAML), extending offline at ".". */
    static Path project(Path dir, String name, String settings) throws IOException {
        Bed.checkout(dir, name + ":\n  extends: offline\n  context: .\n" + settings.indent(2));
        Files.writeString(dir.resolve("containers/Dockerfile.cuda-aarch64"), AARCH64);
        return dir;
    }

    @Test
    void twoDockerfilesArePushedAsOneIndexAndEachPlatformIsJudgedByItsOwn(@TempDir Path tmp) throws IOException {
        Path dir = project(tmp, "spark", "platform-dockerfiles: {linux/arm64: containers/Dockerfile.cuda-aarch64}");
        String tag = "nssimg-it/spark:" + Bed.RUN_ID;
        String[] build = {"build", "--profile", "spark", "--multiarch", "--registry", Bed.REGISTRY, "--tag", tag};

        Bed.Run dry = Bed.nssimg(dir, Map.of(), concat(build, "--dry-run"));
        assertEquals(0, dry.exit(), dry.err());
        List<String> lines = dry.out().lines().filter(l -> l.startsWith("docker buildx build")).toList();
        assertEquals(2, lines.size(), dry.out());
        assertTrue(lines.get(0).contains("--file containers/Dockerfile.cuda --target runtime --platform linux/amd64"), lines.get(0));
        assertTrue(lines.get(1).contains("--file containers/Dockerfile.cuda-aarch64 --platform linux/arm64"),
                "arm64's own file, its only stage built without --target: " + lines.get(1));

        Bed.Run b = Bed.nssimg(dir, Map.of(), build);
        assertEquals(0, b.exit(), b.err());
        Map<String, JsonNode> p = MultiarchIT.platforms(Bed.REGISTRY + "/" + tag);
        assertEquals(List.of("linux/amd64", "linux/arm64"), List.copyOf(p.keySet()));
        assertEquals("nvidia/cuda:13.0.1-runtime-ubuntu24.04",
                label(p.get("linux/arm64"), "org.opencontainers.image.base.name"), "arm64 from its own Dockerfile");
        assertEquals("nvidia/cuda:12.8.1-runtime-ubuntu22.04", label(p.get("linux/amd64"), "org.opencontainers.image.base.name"));

        Bed.Run s = Bed.nssimg(dir, Map.of(), "smoke", "--profile", "spark", "--image", Bed.REGISTRY + "/" + tag, "--all-platforms");
        assertEquals(0, s.exit(), s.out() + s.err());
        // Each platform's labels and entrypoint as its own Dockerfile declares them (13.0.1 / 12.8.1 in base.name).
        for (String check : List.of(" label-values ", " entrypoint ")) {
            assertTrue(s.out().lines().anyMatch(l -> l.startsWith("linux/arm64") && l.contains(check) && l.contains(" pass ")
                    && l.contains("containers/Dockerfile.cuda-aarch64:3")), "arm64 judged by arm64's Dockerfile: " + s.out());
            assertTrue(s.out().lines().anyMatch(l -> l.startsWith("linux/amd64") && l.contains(check) && l.contains(" pass ")
                    && l.contains("containers/Dockerfile.cuda:")), s.out());
        }
        for (String platform : List.of("linux/amd64", "linux/arm64")) {
            assertTrue(s.out().lines().anyMatch(l -> l.startsWith(platform) && l.matches(".* label-values +pass +[1-9][0-9]* values as .*")),
                    platform + "'s label values were compared, not skipped: " + s.out());
        }
        assertTrue(s.out().lines().anyMatch(l -> l.contains(" same-entrypoint ") && l.contains(" warn ")
                && l.contains("/opt/nss/entrypoint.sh")), "a warning row, not a failure: " + s.out());
        assertFalse(s.out().contains(" same-user "), "both run as 1000:1000: " + s.out());
        assertTrue(s.out().contains("0 failed, 1 warning"), s.out());
    }

    @Test
    void oneBuildAcrossTwoEnginesBuildsEachPlatformOnItsOwn(@TempDir Path tmp) throws IOException {
        Path dir = project(tmp, "two-engines", "platform-builders: {linux/arm64: nssimg-it-engine2}");
        Path config = Bed.dockerConfigWithEngine2("nssimg-it-engine2");
        Map<String, String> env = Map.of("DOCKER_CONFIG", config.toString());
        String repo = "nssimg-it/two-engines";
        String tag = repo + ":" + Bed.RUN_ID;
        String amd = Bed.REGISTRY + "/" + tag + "-amd64";
        String arm = Bed.REGISTRY + "/" + tag + "-arm64";
        Map<String, String> second = Map.of("DOCKER_HOST", Bed.engine2());
        String local = "nssimg-it/on-engine2:" + Bed.RUN_ID;
        try {
            Bed.Run doctor = Bed.nssimg(dir, env, "doctor");
            assertTrue(doctor.out().lines().anyMatch(l -> l.startsWith("engine nssimg-it-engine2 ") && l.contains(" ok ")
                    && l.contains(Bed.engine2())), "doctor checks the second engine too: " + doctor.out());

            Bed.Run b = Bed.nssimg(dir, env, "build", "--profile", "two-engines", "--multiarch", "--registry", Bed.REGISTRY,
                    "--tag", tag);
            assertEquals(0, b.exit(), b.err());
            Map<String, JsonNode> p = MultiarchIT.platforms(Bed.REGISTRY + "/" + tag);
            assertEquals(List.of("linux/amd64", "linux/arm64"), List.copyOf(p.keySet()));

            // Each engine holds its own platform's image, and only that one.
            assertEquals(0, Bed.exec(List.of("docker", "image", "inspect", amd), Bed.ROOT, Map.of(), 30).exit(), "amd64 on the first");
            assertEquals(1, Bed.exec(List.of("docker", "image", "inspect", arm), Bed.ROOT, Map.of(), 30).exit(), "no arm64 on the first");
            Bed.Run armThere = Bed.exec(List.of("docker", "image", "inspect", "--format", "{{.Architecture}}", arm), Bed.ROOT, second, 30);
            assertEquals(0, armThere.exit(), "arm64 on the second engine: " + armThere.err());
            assertEquals("arm64", armThere.out().strip());
            assertEquals(1, Bed.exec(List.of("docker", "image", "inspect", amd), Bed.ROOT, second, 30).exit(), "no amd64 on the second");
            assertTrue(MultiarchIT.tags(repo).containsAll(List.of(Bed.RUN_ID, Bed.RUN_ID + "-amd64", Bed.RUN_ID + "-arm64")));

            // One platform built with --builder naming the context: loaded there, and smoke-tested there.
            Bed.Run one = Bed.nssimg(dir, env, "build", "--profile", "two-engines", "--builder", "nssimg-it-engine2", "--tag", local,
                    "--smoke");
            assertEquals(0, one.exit(), one.err());
            assertTrue(one.out().contains(" passed, 0 failed"), one.out());
            assertEquals(0, Bed.exec(List.of("docker", "image", "inspect", local), Bed.ROOT, second, 30).exit(), "on the second engine");
            assertEquals(1, Bed.exec(List.of("docker", "image", "inspect", local), Bed.ROOT, Map.of(), 30).exit(), "not on the first");
        } finally {
            Bed.exec(List.of("docker", "image", "rm", "--force", arm, local), Bed.ROOT, second, 60);
        }
    }

    private static String label(JsonNode platform, String key) {
        return platform.path("labels").path(key).asText(null);
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
