package dev.nssimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nssimg.testing.UpstreamRepo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publishing on the real engine and the loopback registry: one clean commit built twice without cache gives the same
 * per-platform manifest digests (the reproducible path: OCI export, docker load, docker push), the pushed index
 * carries the OCI labels as annotations, tags from git reach two repositories, and --verify-reproducible finds a
 * Dockerfile that writes the date. The subject is the real containers/Dockerfile.cuda built offline (the offline
 * profile's stand-in bases and uv), in a repository of its own laid out like a Safe Synthesizer checkout: the stand-in
 * source tree, the real Dockerfile and profiles file copied in as they are (Bed.checkout), plus a publishing
 * profile that extends offline.
 */
class PublishIT {
    static final String A = "nssimg-it/pub-a-" + Bed.RUN_ID;
    static final String B = "nssimg-it/pub-b-" + Bed.RUN_ID;

    @TempDir
    Path tmp;

    @AfterEach
    void noContainersLeftBehind() {
        assertEquals(List.of(), Bed.leftovers());
    }

    /** The stand-in checkout (Bed.checkout) with a publishing profile, committed on main and tagged v1.4.0. */
    Path repo() throws IOException {
        Path dir = Bed.checkout(tmp.resolve("repo"), """
                rel:
                  description: publishing the offline build (PublishIT)
                  extends: offline
                  context: .
                  image: nss-pub:latest
                  registries: [%s/%s, %s/%s]
                  tags: ["{version}", "sha-{short-sha}", "latest"]
                  reproducible: true
                """.formatted(Bed.REGISTRY, A, Bed.REGISTRY, B));
        UpstreamRepo.git(dir, "init", "-q", "-b", "main");
        UpstreamRepo.git(dir, "add", "-A");
        UpstreamRepo.git(dir, "commit", "-q", "-m", "publishable");
        UpstreamRepo.git(dir, "tag", "v1.4.0");
        return dir;
    }

    static Map<String, String> digests(JsonNode index) {
        Map<String, String> out = new TreeMap<>();
        index.path("platforms").forEach(p -> out.put(p.path("platform").asText(), p.path("digest").asText()));
        return out;
    }

    static JsonNode inspect(String ref) throws IOException {
        Bed.Run r = Bed.nssimg("inspect", "--json", ref);
        assertEquals(0, r.exit(), r.err());
        return MultiarchIT.JSON.readTree(r.out());
    }

    @Test
    void oneCleanCommitTwiceWithoutCacheGivesTheSameDigestsAnnotatedAndTaggedFromGit() throws IOException {
        Path repo = repo();
        String[] build = {"build", "--profile", "rel", "--multiarch", "--no-cache"};
        Bed.Run first = Bed.nssimg(repo, Map.of(), build);
        assertEquals(0, first.exit(), first.err());
        assertTrue(!first.err().contains("uncommitted"), first.err());
        String ref = Bed.REGISTRY + "/" + A + "/nss-pub:1.4.0";
        JsonNode one = inspect(ref);
        // arm64 has its own CUDA_ARCH_FLAGS (the real profiles file), so each platform is built and pushed on its
        // own to the first repository, and the index carries every tag to both.
        assertTrue(first.out().contains("(split: one build per platform)"), first.out());
        assertTrue(first.all().contains("The push refers to repository [" + Bed.REGISTRY + "/" + A + "/nss-pub]"), first.err());
        for (String repoName : List.of(A, B)) {
            assertTrue(MultiarchIT.tags(repoName + "/nss-pub").containsAll(List.of("1.4.0", "latest",
                    "sha-" + UpstreamRepo.git(repo, "rev-parse", "--short=7", "HEAD").trim())), MultiarchIT.tags(repoName + "/nss-pub").toString());
            assertTrue(first.out().contains(Bed.REGISTRY + "/" + repoName + "/nss-pub:latest"), first.out());
        }
        assertTrue(first.out().contains("pushed " + ref + ", "), first.out());

        Bed.Run second = Bed.nssimg(repo, Map.of(), build);
        assertEquals(0, second.exit(), second.err());
        JsonNode two = inspect(ref);
        assertEquals(List.of("linux/amd64", "linux/arm64"), List.copyOf(digests(one).keySet()));
        assertEquals(digests(one), digests(two), "same commit, no cache, same per-platform manifests");

        // The index and each manifest carry the OCI labels; provenance is attested per platform.
        JsonNode ann = two.path("annotations");
        assertEquals("NeMo Safe Synthesizer", ann.path("org.opencontainers.image.title").asText(), two.toString());
        assertEquals("https://github.com/NVIDIA-NeMo/Safe-Synthesizer", ann.path("org.opencontainers.image.source").asText());
        assertEquals("Apache-2.0", ann.path("org.opencontainers.image.licenses").asText());
        assertEquals("1.4.0", ann.path("org.opencontainers.image.version").asText());
        assertEquals(UpstreamRepo.git(repo, "rev-parse", "HEAD").trim(), ann.path("org.opencontainers.image.revision").asText());
        String when = UpstreamRepo.git(repo, "show", "-s", "--format=%ct", "HEAD").trim();
        assertEquals(java.time.Instant.ofEpochSecond(Long.parseLong(when)).toString(), ann.path("org.opencontainers.image.created").asText());
        for (JsonNode p : two.path("platforms")) {
            assertEquals("1.4.0", p.path("annotations").path("org.opencontainers.image.version").asText(), p.toString());
            assertEquals("https://slsa.dev/provenance/v0.2", p.path("attestations").path(0).path("predicateTypes").path(0).asText(), p.toString());
        }
        assertEquals(0, Bed.docker("image", "rm", "--force", ref, Bed.REGISTRY + "/" + B + "/nss-pub:1.4.0").exit());
    }

    @Test
    void verifyReproducibleNamesTheFileThatWritesTheDate() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("dated"));
        // busybox's date has no %N: the sleep puts the two builds' dates in different seconds.
        Files.writeString(dir.resolve("Dockerfile"), """
                FROM nssimg-example-base:${TARGETARCH} AS runtime
                ARG TARGETARCH
                RUN mkdir -p /opt && echo stable > /opt/stable && sleep 1 && date +%s > /opt/built-at
                """);
        Bed.Run r = Bed.nssimg(Bed.ROOT, Map.of("SOURCE_DATE_EPOCH", "1700000000"), "build", "--verify-reproducible",
                "--file", dir.resolve("Dockerfile").toString(), "--context", dir.toString(), "--tag", "nssimg-it/dated:" + Bed.RUN_ID);
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.out().startsWith("not reproducible"), r.out());
        assertTrue(r.out().contains("linux/amd64  DIFFERS sha256:"), r.out());
        assertTrue(r.out().matches("(?s).*layer 2 sha256:[0-9a-f]{12} vs sha256:[0-9a-f]{12}: /opt/built-at \\(content differs\\).*"), r.out());
        assertTrue(!r.out().contains("/opt/stable"), "the stable file is the same in both: " + r.out());

        Bed.Run same = Bed.nssimg(repo(), Map.of(), "build", "--profile", "rel", "--verify-reproducible");
        assertEquals(0, same.exit(), same.out() + same.err());
        assertTrue(same.out().startsWith("reproducible: two builds without cache gave the same manifest digests"), same.out());
    }

    @Test
    void aDirtyTreeIsNamedAndBuiltWithTodaysTime() throws IOException {
        Path repo = repo();
        Files.writeString(repo.resolve("docs/NOTES"), "local change\n");
        Bed.Run r = Bed.nssimg(repo, Map.of(), "build", "--profile", "rel", "--dry-run");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("uncommitted changes (docs/NOTES), so the build's time is now"), r.err());
        assertTrue(!r.out().contains("SOURCE_DATE_EPOCH="), r.out());
    }
}
