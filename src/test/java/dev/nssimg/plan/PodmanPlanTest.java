package dev.nssimg.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.dockerfile.DockerfileInfo;
import dev.nssimg.error.NssimgException;
import dev.nssimg.profile.Located;
import dev.nssimg.profile.Overrides;
import dev.nssimg.profile.Resolved;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Golden argv of the podman rendering of a plan, and what podman's table refuses or leaves out. */
class PodmanPlanTest {
    static final String IID = " --iidfile .nssimg/metadata-default-runtime-linux-amd64.json.iid .";

    static BuildPlan podman(BuildRequest req, Resolved r) {
        DockerfileInfo df = DockerfileInfo.read(r.dockerfile().value(), "containers/Dockerfile.cuda");
        return PodmanPlan.of(PlannerTest.plan(req, r), "podman", r, p -> df);
    }

    @Test
    void oneLocalPlatformIsOnePodmanBuildKeptInItsStore() {
        BuildPlan p = podman(PlannerTest.req("runtime", false, BuildRequest.Strategy.AUTO), PlannerTest.resolve(null, Overrides.NONE));
        assertEquals("podman build --file containers/Dockerfile.cuda --target runtime --platform linux/amd64 " + PlannerTest.LABELS
                + " --layers --tag nss-gpu:latest" + IID, PlannerTest.lines(p));
    }

    @Test
    void multiArchWithPerPlatformArgsIsOneBuildPerPlatformAddedToOneManifestList() {
        BuildPlan p = podman(PlannerTest.req("runtime", true, BuildRequest.Strategy.AUTO),
                PlannerTest.resolve(null, PlannerTest.registry("ghcr.io/nvidia-nemo")));
        String list = "ghcr.io/nvidia-nemo/nss-gpu:latest";
        List<String> lines = PlannerTest.lines(p).lines().toList();
        assertEquals(4, lines.size(), PlannerTest.lines(p));
        assertEquals("podman manifest rm --ignore " + list, lines.get(0));
        assertTrue(lines.get(1).startsWith("podman build --file containers/Dockerfile.cuda --target runtime --platform linux/amd64 "
                + PlannerTest.LABELS), lines.get(1));
        assertTrue(lines.get(1).endsWith(" --layers --manifest " + list
                + " --iidfile .nssimg/metadata-default-runtime-linux-amd64.json.iid ."), lines.get(1));
        assertTrue(lines.get(2).contains("--platform linux/arm64 " + PlannerTest.ARGS_ARM64 + " "), lines.get(2));
        assertTrue(lines.get(2).contains(" --manifest " + list + " "), lines.get(2));
        assertEquals("podman manifest push --all --digestfile .nssimg/metadata-default-runtime-linux-arm64.json.digest-0 " + list
                + " docker://" + list, lines.get(3));
        // No attestations, annotations or progress mode: podman's table has none of them (defaults not applied).
        assertTrue(p.commands().stream().noneMatch(c -> c.argv().contains("--provenance") || c.argv().contains("--annotation")
                || c.argv().contains("--progress")), PlannerTest.lines(p));
    }

    @Test
    void oneCallMultiArchIsPlatformListAndManifest() {
        BuildPlan p = podman(PlannerTest.req("runtime", true, BuildRequest.Strategy.SINGLE),
                PlannerTest.resolve(null, PlannerTest.registry("ghcr.io/nvidia-nemo")));
        List<String> lines = PlannerTest.lines(p).lines().toList();
        assertEquals(3, lines.size(), PlannerTest.lines(p));
        assertTrue(lines.get(1).contains(" --platform linux/amd64,linux/arm64 ") && lines.get(1).contains(" --manifest "), lines.get(1));
        assertTrue(lines.get(2).startsWith("podman manifest push --all "), lines.get(2));
    }

    @Test
    void aNamedContextIsAlsoPassedUnderTheFromTextBuildahMatches() {
        DockerfileInfo df = DockerfileInfo.parse("ARG V=1.2\nFROM ghcr.io/x/uv:${V} AS uv\nFROM base:$V\nFROM other\n", "Dockerfile");
        Map<String, String> out = PodmanPlan.fromKeys(Map.of("ghcr.io/x/uv:1.2", "docker-image://a", "base:9", "docker-image://b"), df,
                Map.of("V", "1.2"));
        assertEquals("docker-image://a", out.get("ghcr.io/x/uv:${V}"));
        assertEquals(3, out.size(), "base:$V expands to base:1.2, which no context names: " + out);
        Map<String, String> arg = PodmanPlan.fromKeys(Map.of("base:9", "docker-image://b"), df, Map.of("V", "9"));
        assertEquals("docker-image://b", arg.get("base:$V"), "the build's own argument value counts: " + arg);
    }

    @Test
    void aRegistryCacheIsARepositoryAndOtherTypesAreRefusedFromFlagsAndLeftOutFromProfiles() {
        BuildPlan ci = podman(PlannerTest.req("runtime", true, BuildRequest.Strategy.AUTO),
                PlannerTest.resolve("ci", PlannerTest.registry("ghcr.io/nvidia-nemo")));
        assertTrue(PlannerTest.lines(ci).contains("--cache-from ghcr.io/nvidia-nemo/nss-gpu:buildcache-arm64 --cache-to"
                + " ghcr.io/nvidia-nemo/nss-gpu:buildcache-arm64 "), PlannerTest.lines(ci));
        Overrides gha = new Overrides(null, null, null, null, null, null, null, Map.of(), null, null,
                Located.of("type=gha,mode=max", "flag --cache-to"));
        NssimgException e = assertThrows(NssimgException.class,
                () -> podman(PlannerTest.req("runtime", false, BuildRequest.Strategy.AUTO), PlannerTest.resolve(null, gha)));
        assertEquals(2, e.exitCode().code());
        assertTrue(e.getMessage().startsWith("flag --cache-to: podman takes a registry repository as its cache, not type=gha"),
                e.getMessage());
    }

    @Test
    void aBuilderFlagIsExitTwo() {
        Overrides builder = new Overrides(null, null, null, null, null, null, null, Map.of(), Located.of("multi", "flag --builder"),
                null, null);
        NssimgException e = assertThrows(NssimgException.class,
                () -> podman(PlannerTest.req("runtime", false, BuildRequest.Strategy.AUTO), PlannerTest.resolve(null, builder)));
        assertEquals("flag --builder: podman cannot use a buildx builder (multi); drop the flag, or build with --engine docker", e.getMessage());
    }

    @Test
    void theTableSaysWhatEachEngineCanDo() {
        ContainerEngine.Support docker = ContainerEngine.DOCKER.support();
        ContainerEngine.Support podman = ContainerEngine.PODMAN.support();
        assertTrue(docker.rawjsonProgress() && docker.metadataFile() && docker.attestations() && docker.pushByDigest()
                && docker.cachedSteps() && docker.takesCache("type=gha"));
        assertTrue(!podman.rawjsonProgress() && !podman.metadataFile() && !podman.attestations() && !podman.pushByDigest()
                && !podman.cachedSteps() && podman.namedContexts() && podman.secrets());
        assertTrue(podman.takesCache("ghcr.io/x/cache") && podman.takesCache("type=registry,ref=x") && !podman.takesCache("type=local,dest=d"));
        assertEquals(ContainerEngine.PODMAN, ContainerEngine.ofProgram("/usr/bin/podman"));
        assertEquals(ContainerEngine.DOCKER, ContainerEngine.ofProgram("docker"));
        assertEquals(null, ContainerEngine.ofProgram("buildah"));
    }
}
