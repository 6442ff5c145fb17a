package dev.nssimg.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.dockerfile.DockerfileInfo;
import dev.nssimg.error.NssimgException;
import dev.nssimg.profile.Located;
import dev.nssimg.profile.Overrides;
import dev.nssimg.profile.ProfilesFile;
import dev.nssimg.profile.Resolved;
import dev.nssimg.profile.Resolver;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Per-platform Dockerfiles and contexts, and platforms built on engines that docker contexts name. Pure: no files read. */
class PerPlatformPlanTest {
    static final Path ROOT = Path.of("/repo");
    static final String PROFILES = """
            defaults:
              dockerfile: containers/Dockerfile.cuda
              platforms: [linux/amd64, linux/arm64]
            profiles:
              spark:
                platform-dockerfiles: {linux/arm64: containers/Dockerfile.cuda-aarch64}
                platform-contexts: {linux/arm64: aarch64}
              two-engines:
                extends: spark
                platform-builders: {linux/arm64: arm-host}
            """;
    static final DockerfileInfo CUDA = DockerfileInfo.parse("""
            ARG CUDA_VERSION=12.8.1
            FROM base AS runtime
            ARG CUDA_VERSION
            FROM runtime AS dev
            """, "containers/Dockerfile.cuda");
    /** Like upstream's aarch64 file: one unnamed stage on NVIDIA's vLLM container, other arguments. */
    static final DockerfileInfo AARCH64 = DockerfileInfo.parse("""
            ARG VLLM_TAG=25.09-py3
            FROM nvcr.io/nvidia/vllm:${VLLM_TAG}
            ARG VLLM_TAG
            """, "containers/Dockerfile.cuda-aarch64");
    static final BuildFacts FACTS = new BuildFacts(null, "1970-01-01T00:00:00Z", ROOT,
            Map.of("default", "unix:///var/run/docker.sock", "arm-host", "ssh://build@arm-host"));

    static Resolved resolve(String profile, Overrides flags) {
        ProfilesFile file = ProfilesFile.parse(new StringReader(PROFILES), "containers/profiles.yaml");
        return Resolver.resolve(file, profile, ROOT, ROOT, Overrides.NONE, flags);
    }

    static Overrides flags(String file, Map<String, Located<String>> args) {
        return new Overrides(null, null, null, null, Located.of("127.0.0.1:5000", "flag --registry"),
                file == null ? null : Located.of(file, "flag --file"), null, args, null, null, null);
    }

    static BuildRequest req(String target, BuildRequest.Strategy s) {
        return new BuildRequest(target, true, s, List.of(), BuildRequest.Output.DEFAULT, false, false, "plain", List.of(), false,
                null, ROOT.resolve(".state"));
    }

    static BuildPlan plan(String profile, String target, BuildRequest.Strategy s, Overrides flags) {
        Resolved r = resolve(profile, flags);
        return Planner.plan(req(target, s), r, p -> r.dockerfileFor(p).value().toString().endsWith("aarch64") ? AARCH64 : CUDA, FACTS);
    }

    @Test
    void eachPlatformBuildsItsOwnDockerfileAndContextInASplitBuild() {
        BuildPlan p = plan("spark", null, BuildRequest.Strategy.AUTO, flags(null, Map.of()));
        assertEquals(BuildRequest.Strategy.SPLIT, p.strategy(), "two Dockerfiles cannot share one call");
        List<String> amd = p.commands().get(0).argv();
        List<String> arm = p.commands().get(2).argv();
        assertEquals("containers/Dockerfile.cuda", amd.get(amd.indexOf("--file") + 1));
        assertEquals("runtime", amd.get(amd.indexOf("--target") + 1));
        assertEquals(".", amd.get(amd.size() - 1));
        assertEquals("containers/Dockerfile.cuda-aarch64", arm.get(arm.indexOf("--file") + 1));
        assertTrue(!arm.contains("--target"), "its only stage is its default: " + arm);
        assertEquals("aarch64", arm.get(arm.size() - 1), "its own context");
        assertEquals("runtime", p.target());
    }

    @Test
    void argumentsAreCheckedAgainstEachPlatformsOwnDockerfile() {
        BuildPlan p = plan("spark", null, BuildRequest.Strategy.AUTO,
                flags(null, Map.of("CUDA_VERSION", Located.of("12.9.1", "flag --build-arg"))));
        assertEquals(List.of("flag --build-arg: build argument CUDA_VERSION is not declared in containers/Dockerfile.cuda-aarch64; not passed"),
                p.warnings(), "declared by the amd64 file, not by the arm64 one");
        for (var c : p.commands().stream().filter(c -> c.argv().contains("--file")).toList()) {
            boolean arm = c.argv().contains("containers/Dockerfile.cuda-aarch64");
            assertEquals(!arm, c.argv().contains("CUDA_VERSION=12.9.1"), "passed only to the file that declares it: " + c.argv());
        }
    }

    @Test
    void eachPlatformsManifestIsAnnotatedFromItsOwnDockerfile() {
        DockerfileInfo cuda = DockerfileInfo.parse("""
                FROM base AS runtime
                LABEL org.opencontainers.image.title="Safe Synthesizer GPU"
                """, "containers/Dockerfile.cuda");
        DockerfileInfo spark = DockerfileInfo.parse("""
                FROM nvcr.io/nvidia/vllm:26.02-py3
                LABEL org.opencontainers.image.title="Safe Synthesizer DGX Spark"
                """, "containers/Dockerfile.cuda-aarch64");
        Resolved r = resolve("spark", flags(null, Map.of()));
        BuildPlan p = Planner.plan(req(null, BuildRequest.Strategy.AUTO), r,
                x -> r.dockerfileFor(x).value().toString().endsWith("aarch64") ? spark : cuda, FACTS);
        String amd = String.join(" ", p.commands().get(0).argv());
        String arm = String.join(" ", p.commands().get(2).argv());
        assertTrue(amd.contains("manifest:org.opencontainers.image.title=Safe Synthesizer GPU"), amd);
        assertTrue(arm.contains("manifest:org.opencontainers.image.title=Safe Synthesizer DGX Spark") && !arm.contains("GPU"), arm);
    }

    @Test
    void anUndeclaredArgumentOfOneSharedDockerfileIsOneWarning() {
        Resolved r = resolve(null, flags(null, Map.of("NOT_DECLARED", Located.of("1", "flag --build-arg"))));
        BuildPlan p = Planner.plan(req(null, BuildRequest.Strategy.AUTO), r, x -> CUDA, FACTS);
        assertEquals(List.of("flag --build-arg: build argument NOT_DECLARED is not declared in containers/Dockerfile.cuda; not passed"), p.warnings());
    }

    @Test
    void aTargetOneDockerfileLacksIsAnErrorNamingThatFile() {
        NssimgException e = assertThrows(NssimgException.class, () -> plan("spark", "dev", BuildRequest.Strategy.AUTO, flags(null, Map.of())));
        assertTrue(e.getMessage().startsWith("flag --target: 'dev' is not a stage of containers/Dockerfile.cuda-aarch64"), e.getMessage());
    }

    @Test
    void oneCallCannotBuildTwoDockerfiles() {
        NssimgException e = assertThrows(NssimgException.class, () -> plan("spark", null, BuildRequest.Strategy.SINGLE, flags(null, Map.of())));
        assertTrue(e.getMessage().startsWith("flag --strategy single: linux/arm64 builds containers/Dockerfile.cuda-aarch64"
                + " (containers/profiles.yaml:6 (profile spark))"), e.getMessage());
    }

    @Test
    void fileFlagNamesTheDockerfileOfEveryPlatform() {
        BuildPlan p = plan("spark", null, BuildRequest.Strategy.AUTO, flags("containers/Dockerfile.cuda", Map.of()));
        assertEquals(2, p.builds().size(), "still split: arm64 keeps its own context");
        assertTrue(p.builds().stream().allMatch(b -> b.argv().contains("/repo/containers/Dockerfile.cuda")
                || b.argv().contains("containers/Dockerfile.cuda")), p.builds().toString());
    }

    @Test
    void aPlatformBuilderThatIsADockerContextBuildsLoadsAndPushesOnThatEngine() {
        BuildPlan p = plan("two-engines", null, BuildRequest.Strategy.AUTO, flags(null, Map.of()));
        String lines = p.commands().stream().map(Command::shellLine).collect(Collectors.joining("\n"));
        List<String> l = lines.lines().toList();
        assertEquals(5, l.size(), lines);
        assertTrue(l.get(0).startsWith("docker buildx build --file containers/Dockerfile.cuda"), l.get(0));
        assertTrue(l.get(0).endsWith("--tag 127.0.0.1:5000/nss-gpu:latest-amd64 --load --metadata-file .state/metadata-two-engines-runtime-linux-amd64.json ."), l.get(0));
        assertEquals("docker push 127.0.0.1:5000/nss-gpu:latest-amd64", l.get(1));
        assertTrue(l.get(2).startsWith("docker --context arm-host buildx build --file containers/Dockerfile.cuda-aarch64"), l.get(2));
        assertTrue(!l.get(2).contains("--builder"), "the context's own builder: " + l.get(2));
        assertTrue(l.get(2).contains("--tag 127.0.0.1:5000/nss-gpu:latest-arm64 --load"), l.get(2));
        assertEquals("docker --context arm-host push 127.0.0.1:5000/nss-gpu:latest-arm64", l.get(3));
        // The index joining both engines' platforms is annotated as any published index (here: only its build time).
        assertEquals("docker buildx imagetools create --progress plain --tag 127.0.0.1:5000/nss-gpu:latest"
                + " --annotation index:org.opencontainers.image.created=1970-01-01T00:00:00Z"
                + " '127.0.0.1:5000/nss-gpu@${digest:linux/amd64}' '127.0.0.1:5000/nss-gpu@${digest:linux/arm64}'", l.get(4));
    }

    @Test
    void aPlatformBuilderThatIsNoContextStillPushesByDigest() {
        Resolved r = resolve("two-engines", flags(null, Map.of()));
        BuildFacts noContexts = new BuildFacts(null, "1970-01-01T00:00:00Z", ROOT, Map.of("default", "unix:///var/run/docker.sock"));
        BuildPlan p = Planner.plan(req(null, BuildRequest.Strategy.AUTO), r,
                x -> r.dockerfileFor(x).value().toString().endsWith("aarch64") ? AARCH64 : CUDA, noContexts);
        String arm = p.commands().get(2).shellLine();
        assertTrue(arm.startsWith("docker buildx build --builder arm-host"), arm);
        assertTrue(arm.contains("push-by-digest=true"), arm);
    }
}
