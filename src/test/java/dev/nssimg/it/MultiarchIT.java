package dev.nssimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Multi-arch builds into the test bed's loopback registry, smoke-tested per platform (arm64 under QEMU). */
class MultiarchIT {
    static final ObjectMapper JSON = new ObjectMapper();

    @AfterEach
    void noContainersLeftBehind() {
        assertEquals(List.of(), Bed.leftovers());
    }

    /** Tags of a repository in the loopback registry (empty when the repository does not exist). */
    static List<String> tags(String repo) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://" + Bed.REGISTRY + "/v2/" + repo + "/tags/list").toURL().openConnection();
        if (c.getResponseCode() == 404) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        JSON.readTree(c.getInputStream()).path("tags").forEach(t -> out.add(t.asText()));
        return out;
    }

    static Map<String, JsonNode> platforms(String ref) throws IOException {
        Bed.Run r = Bed.nssimg("inspect", "--json", ref);
        assertEquals(0, r.exit(), r.err());
        Map<String, JsonNode> out = new TreeMap<>();
        JSON.readTree(r.out()).path("platforms").forEach(p -> out.put(p.path("platform").asText(), p));
        return out;
    }

    @Test
    void splitBuildPushesOneTagWithEachPlatformsOwnArchFlags() throws IOException {
        String repo = "nssimg-it/multi";
        String tag = repo + ":" + Bed.RUN_ID;
        Bed.Run b = Bed.nssimg("build", "--profile", "example", "--multiarch", "--registry", Bed.REGISTRY, "--tag", tag);
        assertEquals(0, b.exit(), b.err());
        assertTrue(b.out().contains("pushed " + Bed.REGISTRY + "/" + tag), b.out());
        assertTrue(b.out().contains("(split: one build per platform)"), b.out());
        assertTrue(b.err().contains("[linux/amd64] ") && b.err().contains("[linux/arm64] "), "output prefixed by platform");

        Map<String, JsonNode> p = platforms(Bed.REGISTRY + "/" + tag);
        assertEquals(List.of("linux/amd64", "linux/arm64"), List.copyOf(p.keySet()));
        assertEquals("80;86;90;90a", p.get("linux/amd64").path("buildArgs").path("CUDA_ARCH_FLAGS").asText());
        assertEquals("90;90a;120;120a", p.get("linux/arm64").path("buildArgs").path("CUDA_ARCH_FLAGS").asText());
        assertEquals("arm64", p.get("linux/arm64").path("buildArgs").path("TARGETARCH").asText());
        assertTrue(tags(repo).containsAll(List.of(Bed.RUN_ID, Bed.RUN_ID + "-amd64", Bed.RUN_ID + "-arm64")), tags(repo).toString());

        Bed.Run s = Bed.nssimg("smoke", "--profile", "example", "--image", Bed.REGISTRY + "/" + tag, "--all-platforms");
        assertEquals(0, s.exit(), s.out() + s.err());
        assertTrue(s.out().contains("16 passed, 0 failed"), s.out());
        assertEquals(8, s.out().lines().filter(l -> l.startsWith("linux/arm64 ") && l.contains(" pass ")).count(), s.out());

        // The arm64 variant really runs as aarch64 (QEMU), not as the host's amd64.
        String armRef = Bed.REGISTRY + "/" + repo + "@" + p.get("linux/arm64").path("digest").asText();
        Bed.Run arch = Bed.nssimg("run", "--image", armRef, "--platform", "linux/arm64", "--gpus", "none",
                "--hf-cache", "/tmp/nssimg-it-hf", "--", "env");
        assertEquals(0, arch.exit(), arch.err());
        assertTrue(arch.out().contains("arch=aarch64"), arch.out());
    }

    @Test
    void aFailingPlatformLeavesNoTagBehind() throws IOException {
        Path dir = Files.createTempDirectory("nssimg-multi-fail");
        Files.writeString(dir.resolve("Dockerfile"), """
                FROM nssimg-example-base:${TARGETARCH} AS runtime
                ARG TARGETARCH
                RUN echo building for $TARGETARCH
                RUN [ "$TARGETARCH" != arm64 ] || { echo arm64 is broken >&2; exit 9; }
                """);
        String repo = "nssimg-it/broken-multi-" + Bed.RUN_ID;
        Bed.Run b = Bed.nssimg("build", "--multiarch", "--strategy", "split", "--registry", Bed.REGISTRY,
                "--file", dir.resolve("Dockerfile").toString(), "--context", dir.toString(), "--tag", repo + ":latest");
        assertEquals(1, b.exit(), b.err());
        String last = b.err().strip().lines().reduce((x, y) -> y).orElse("");
        assertTrue(last.startsWith("nssimg: error: build failed for linux/arm64 at step [3/3] RUN"), last);
        assertTrue(last.contains("exit code: 9"), last);
        assertEquals(List.of(), tags(repo), "no tag at all: not the final one, not amd64's");
    }

    @Test
    void theSpecsSingleCallFormStillWorks() throws IOException {
        String tag = "nssimg-it/single:" + Bed.RUN_ID;
        Bed.Run b = Bed.nssimg("build", "--profile", "example", "--multiarch", "--strategy", "single", "--registry",
                Bed.REGISTRY, "--tag", tag);
        assertEquals(0, b.exit(), b.err());
        assertTrue(b.err().contains("warning: --strategy single shares one set of build args"), b.err());
        Map<String, JsonNode> p = platforms(Bed.REGISTRY + "/" + tag);
        assertEquals(List.of("linux/amd64", "linux/arm64"), List.copyOf(p.keySet()));
        assertEquals("80;86;90;90a", p.get("linux/arm64").path("buildArgs").path("CUDA_ARCH_FLAGS").asText(),
                "one call, one set of args: arm64 gets amd64's flags, as the spec's target does");
        List<String> tags = tags("nssimg-it/single");
        assertTrue(tags.contains(Bed.RUN_ID) && !tags.contains(Bed.RUN_ID + "-amd64"), "one call, no per-arch tags: " + tags);
    }

    @Test
    void aPerPlatformRegistryCacheServesAnEmptyBuilder() throws IOException {
        String repo = "nssimg-it/cached-" + Bed.RUN_ID;
        String[] build = {"build", "--profile", "example-ci", "--multiarch", "--registry", Bed.REGISTRY, "--tag", repo + ":latest"};
        Bed.Run first = Bed.nssimg(build);
        assertEquals(0, first.exit(), first.err());
        assertTrue(tags(repo).containsAll(List.of("buildcache-amd64", "buildcache-arm64")), tags(repo).toString());
        // Empty the local build cache: the next build can only be cached through the registry.
        assertEquals(0, Bed.docker("buildx", "prune", "--all", "--force").exit());
        Bed.Run second = Bed.nssimg(build);
        assertEquals(0, second.exit(), second.err());
        assertTrue(second.err().contains("importing cache manifest from " + Bed.REGISTRY + "/" + repo + ":buildcache-amd64"), second.err());
        assertTrue(second.err().contains("importing cache manifest from " + Bed.REGISTRY + "/" + repo + ":buildcache-arm64"), second.err());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("steps      (\\d+) cached of (\\d+)").matcher(second.out());
        assertTrue(m.find() && m.group(1).equals(m.group(2)), "every step from the registry cache: " + second.out());
    }

    @Test
    void sequentialSplitWithOneJob() throws IOException {
        String tag = "nssimg-it/jobs1:" + Bed.RUN_ID;
        Bed.Run b = Bed.nssimg("build", "--profile", "example", "--multiarch", "--jobs", "1", "--registry", Bed.REGISTRY, "--tag", tag);
        assertEquals(0, b.exit(), b.err());
        assertEquals(2, platforms(Bed.REGISTRY + "/" + tag).size());
    }
}
