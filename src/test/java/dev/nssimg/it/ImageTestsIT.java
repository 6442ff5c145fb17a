package dev.nssimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nssimg.testing.UpstreamRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's own checks (a profile's tests:) on a pushed two-platform image, on the real engine: they pass and
 * fail as written on both platforms; a GPU check runs through the test bed's CDI stand-in on amd64, is "not run
 * (emulated)" on arm64 under QEMU, "not run" on an engine without GPUs, and a failure there with --require-gpu.
 * The image is built FROM the stand-in base (test scaffolding) with its users from copied files: nothing runs in it.
 */
class ImageTestsIT {
    @TempDir
    Path tmp;

    @AfterEach
    void noContainersLeftBehind() {
        assertEquals(List.of(), Bed.leftovers());
    }

    Path project(String image) throws Exception {
        Path dir = tmp.resolve("repo");
        Files.createDirectories(dir.resolve("containers"));
        Files.writeString(dir.resolve("Dockerfile"), """
                FROM nssimg-standin-cuda:2
                COPY passwd /etc/passwd
                COPY group /etc/group
                COPY --chmod=0755 hello /usr/local/bin/hello
                ENV NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=compute,utility HF_HOME=/workspace/.hf_cache
                WORKDIR /workspace
                USER appuser
                EXPOSE 8000
                ENTRYPOINT ["/usr/local/bin/hello"]
                """);
        Files.writeString(dir.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\nappuser:x:1000:1000::/workspace:/bin/sh\n");
        Files.writeString(dir.resolve("group"), "root:x:0:\nappuser:x:1000:\n");
        Files.writeString(dir.resolve("hello"), "#!/bin/sh\necho \"usage: hello [--help]\"\n");
        Files.writeString(dir.resolve("containers/profiles.yaml"), """
                defaults:
                  dockerfile: Dockerfile
                  context: .
                  platforms: [linux/amd64, linux/arm64]
                profiles:
                  t:
                    image: %s
                    tests:
                      - {name: arch, command: [sh, -c, "uname -m"], stdout: "^(x86_64|aarch64)$"}
                      - {name: hello, file: /usr/local/bin/hello, mode: "0755", owner: "root:root", content: usage}
                      - {name: user, user: "1000:1000"}
                      - {name: workdir, workdir: /workspace}
                      - {name: port, exposed: [8000]}
                      - {name: amd64-only, platforms: [linux/amd64], command: [sh, -c, "test $(uname -m) = x86_64"]}
                      - {name: wrong-on-purpose, command: [sh, -c, "echo nope; exit 4"], stdout: "yes"}
                      - {name: gpu-visible, gpu: true, command: [nvidia-smi]}
                """.formatted(image));
        UpstreamRepo.git(dir, "init", "-q");
        UpstreamRepo.git(dir, "add", "-A");
        UpstreamRepo.git(dir, "commit", "-q", "-m", "fixture");
        return dir;
    }

    static Map<String, JsonNode> rows(JsonNode doc) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        doc.path("checks").forEach(c -> out.put(c.path("platform").asText() + " " + c.path("check").asText(), c));
        return out;
    }

    @Test
    void theRepositorysChecksRunOnEveryPlatformAndGpuChecksSayWhyTheyDidNot() throws Exception {
        String image = Bed.REGISTRY + "/nssimg-it/tests-" + Bed.RUN_ID + ":1";
        Path dir = project(image);
        Bed.Run b = Bed.nssimg(dir, Map.of(), "build", "--profile", "t", "--multiarch", "--tag", image);
        assertEquals(0, b.exit(), b.err());

        Path junit = tmp.resolve("smoke.xml");
        Bed.Run s = Bed.nssimg(dir, Map.of(), "smoke", "--profile", "t", "--image", image, "--all-platforms", "--json", "--report",
                junit.toString());
        assertEquals(1, s.exit(), "the failing check fails the smoke: " + s.err());
        Map<String, JsonNode> rows = rows(MultiarchIT.JSON.readTree(s.out()));
        for (String p : List.of("linux/amd64", "linux/arm64")) {
            for (String pass : List.of("arch", "hello", "user", "workdir", "port")) {
                JsonNode r = rows.get(p + " test:" + pass);
                assertTrue(r != null && r.path("ok").asBoolean() && r.path("ran").asBoolean(), p + " " + pass + ": " + r);
            }
            assertTrue(!rows.get(p + " test:wrong-on-purpose").path("ok").asBoolean(), rows.toString());
            assertTrue(rows.get(p + " user").path("ok").asBoolean(), "smoke's own user check: " + rows.get(p + " user"));
        }
        assertTrue(rows.get("linux/amd64 test:amd64-only").path("ok").asBoolean());
        assertTrue(!rows.containsKey("linux/arm64 test:amd64-only"), "limited to amd64");
        JsonNode gpu = rows.get("linux/amd64 test:gpu-visible");
        assertTrue(gpu.path("ok").asBoolean() && gpu.path("ran").asBoolean() && gpu.path("detail").asText().contains("(with GPUs)"),
                "through the CDI stand-in: " + gpu);
        JsonNode emulated = rows.get("linux/arm64 test:gpu-visible");
        assertTrue(!emulated.path("ran").asBoolean() && emulated.path("detail").asText().startsWith("not run: emulated"), emulated.toString());
        String xml = Files.readString(junit);
        assertTrue(xml.contains("skipped=\"1\"") && xml.contains("<skipped message=\"not run: emulated"), xml);

        // An engine without GPUs: the GPU check is not run, and a failure when a GPU runner asks for it.
        Map<String, String> second = Map.of("DOCKER_HOST", Bed.engine2());
        Bed.Run none = Bed.nssimg(dir, second, "smoke", "--profile", "t", "--image", image, "--all-platforms");
        assertTrue(none.out().lines().anyMatch(l -> l.matches("linux/amd64 +test:gpu-visible +not run +not run: no GPU on this engine.*")),
                none.out());
        Bed.Run required = Bed.nssimg(dir, second, "smoke", "--profile", "t", "--image", image, "--all-platforms", "--require-gpu");
        assertEquals(1, required.exit());
        assertTrue(required.out().lines().anyMatch(l -> l.matches("linux/amd64 +test:gpu-visible +FAIL +not run, and --require-gpu"
                + " asks for it: no GPU on this engine.*")), required.out());
        assertEquals("", UpstreamRepo.status(dir), "nothing written into the tree");
    }

    /**
     * An image built with -f from another Dockerfile of the checkout is judged by that file, which its labels record,
     * not by the profile's; at the revision it was built from once HEAD moves on; and with a warning and the spec's
     * list once the checkout no longer has it.
     */
    @Test
    void anImageIsJudgedByTheDockerfileItWasBuiltFrom() throws Exception {
        String image = Bed.REGISTRY + "/nssimg-it/other-" + Bed.RUN_ID + ":1";
        Path dir = project(image);
        Files.createDirectories(dir.resolve("other"));
        Files.writeString(dir.resolve("other/Dockerfile"), """
                FROM nssimg-standin-cuda:2 AS base
                ARG TARGETARCH
                COPY passwd /etc/passwd
                COPY group /etc/group
                COPY --chmod=0755 hello /usr/local/bin/hello
                ENV NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=compute,utility

                FROM base AS service
                LABEL org.opencontainers.image.title="other for ${TARGETARCH}" org.example.kind=service
                USER appuser
                ENTRYPOINT ["/usr/local/bin/hello"]
                """);
        // The profile's own Dockerfile declares other labels, user and entrypoint: judged by it, the image would fail.
        Files.writeString(dir.resolve("Dockerfile"), Files.readString(dir.resolve("Dockerfile"))
                .replace("USER appuser", "LABEL org.example.only-here=yes\nUSER root").replace("/usr/local/bin/hello", "/bin/false"));
        UpstreamRepo.git(dir, "add", "-A");
        UpstreamRepo.git(dir, "commit", "-q", "-m", "other");
        Bed.Run b = Bed.nssimg(dir, Map.of(), "build", "--profile", "t", "-f", "other/Dockerfile", "--target", "service",
                "--multiarch", "--tag", image);
        assertEquals(0, b.exit(), b.err());
        Bed.Run inspect = Bed.nssimg(dir, Map.of(), "inspect", image);
        assertTrue(inspect.out().contains("built from  other/Dockerfile, stage service, profile t, at "), inspect.out());

        String[] smoke = {"smoke", "--profile", "t", "--image", image, "--all-platforms"};
        Bed.Run same = Bed.nssimg(dir, Map.of(), smoke);
        assertTrue(same.out().lines().anyMatch(l -> l.matches("linux/arm64 +label-values +pass +2 values as other/Dockerfile:8.*")),
                same.out());
        assertTrue(same.out().lines().anyMatch(l -> l.matches("linux/amd64 +user +pass +runs as appuser \\(1000:1000\\), as"
                + " other/Dockerfile:8 declares \\(USER appuser\\)")), same.out());
        assertTrue(same.out().lines().anyMatch(l -> l.matches("linux/amd64 +entrypoint +pass .*other/Dockerfile:8 declares")), same.out());

        // HEAD moves on and the file changes: the image is judged by the file at the revision it was built from.
        String built = UpstreamRepo.git(dir, "rev-parse", "HEAD").trim();
        Files.writeString(dir.resolve("other/Dockerfile"), Files.readString(dir.resolve("other/Dockerfile"))
                .replace("kind=service", "kind=changed"));
        UpstreamRepo.git(dir, "commit", "-q", "-am", "change the label");
        Bed.Run then = Bed.nssimg(dir, Map.of(), smoke);
        assertTrue(then.out().lines().anyMatch(l -> l.matches("linux/amd64 +label-values +pass +2 values as other/Dockerfile@"
                + built.substring(0, 12) + ":8.*")), then.out());

        // The checkout no longer has the file: said so, and the spec's list applies.
        UpstreamRepo.git(dir, "rm", "-q", "other/Dockerfile");
        UpstreamRepo.git(dir, "commit", "-q", "-m", "gone");
        Bed.Run gone = Bed.nssimg(dir, Map.of(), smoke);
        assertTrue(gone.out().lines().anyMatch(l -> l.matches("linux/amd64 +dockerfile +warn +built from other/Dockerfile, which this"
                + " checkout does not have: judged by the spec's list.*")), gone.out());
        assertEquals("", UpstreamRepo.status(dir), "nothing written into the tree");
    }

    @Test
    void aBadCheckIsExit2NamingItsLine() throws Exception {
        Path dir = project("nssimg-it/never:" + Bed.RUN_ID);
        Files.writeString(dir.resolve("containers/profiles.yaml"), Files.readString(dir.resolve("containers/profiles.yaml"))
                .replace("{name: port, exposed: [8000]}", "{name: port, exposed: [8000], timeout: -1}"));
        Bed.Run r = Bed.nssimg(dir, Map.of(), "smoke", "--profile", "t");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().strip().startsWith("nssimg: error: containers/profiles.yaml:13: profiles.t.tests[port]: key 'timeout'"
                + " does not apply to an exposed check"), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    }
}
