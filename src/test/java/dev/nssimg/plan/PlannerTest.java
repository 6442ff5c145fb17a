package dev.nssimg.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.dockerfile.DockerfileInfo;
import dev.nssimg.error.NssimgException;
import dev.nssimg.profile.Located;
import dev.nssimg.profile.Overrides;
import dev.nssimg.profile.ProfilesFile;
import dev.nssimg.profile.Resolved;
import dev.nssimg.profile.Resolver;
import dev.nssimg.testing.TestCli;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Golden argv of the planner: the commands each Makefile target's nssimg call runs. */
class PlannerTest {
    static final Path ROOT = TestCli.ROOT;
    static final BuildFacts FACTS = new BuildFacts("0123456789abcdef0123456789abcdef01234567", "1970-01-01T00:00:00Z", ROOT);
    /** amd64 takes every value from the Dockerfile's ARG defaults: no --build-arg at all. arm64 has its own SM list. */
    static final String ARGS_ARM64 = "--build-arg 'CUDA_ARCH_FLAGS=90;90a;120;120a'";
    /** The runtime stage of the defaults: the build's own labels, then where the image came from. */
    static final String LABELS = labels("runtime", "default");

    static String labels(String stage, String profile) {
        return "--label org.opencontainers.image.created=1970-01-01T00:00:00Z"
                + " --label org.opencontainers.image.revision=0123456789abcdef0123456789abcdef01234567"
                + " --label dev.nssimg.dockerfile=containers/Dockerfile.cuda --label dev.nssimg.stage=" + stage
                + " --label dev.nssimg.profile=" + profile;
    }

    /** What a pushed build adds: the Dockerfile's OCI labels and the build's as annotations, and provenance. */
    static String annotations(String kind) {
        return String.join(" ", List.of("title='NeMo Safe Synthesizer'",
                "description='NeMo Safe Synthesizer: private synthetic tabular data generation on NVIDIA GPUs'",
                "source=https://github.com/NVIDIA-NeMo/Safe-Synthesizer", "licenses=Apache-2.0",
                "revision=0123456789abcdef0123456789abcdef01234567", "created=1970-01-01T00:00:00Z").stream()
                .map(a -> "--annotation " + (a.contains("'") ? "'" + kind + ":org.opencontainers.image." + a.replace("'", "") + "'"
                        : kind + ":org.opencontainers.image." + a))
                .toList());
    }

    static final String PUBLISH_SPLIT = annotations("manifest") + " --provenance mode=max";
    static final String PUBLISH_ONE_CALL = annotations("index") + " " + annotations("manifest") + " --provenance mode=max";

    static Resolved resolve(String profile, Overrides flags) {
        ProfilesFile file = ProfilesFile.load(ROOT.resolve("containers/profiles.yaml"), "containers/profiles.yaml");
        return Resolver.resolve(file, profile, ROOT, ROOT, Overrides.NONE, flags);
    }

    static Overrides registry(String reg) {
        return new Overrides(null, null, null, null, Located.of(reg, "flag --registry"), null, null, Map.of(), null, null, null);
    }

    static BuildRequest req(String target, boolean multiarch, BuildRequest.Strategy s) {
        return new BuildRequest(target, multiarch, s, List.of(), BuildRequest.Output.DEFAULT, false, false, "plain",
                List.of(), false, null, ROOT.resolve(".nssimg"));
    }

    static BuildPlan plan(BuildRequest req, Resolved r) {
        DockerfileInfo df = DockerfileInfo.read(r.dockerfile().value(), "containers/Dockerfile.cuda");
        return Planner.plan(req, r, df, FACTS);
    }

    static String lines(BuildPlan p) {
        return p.commands().stream().map(Command::shellLine).collect(Collectors.joining("\n"));
    }

    @Test
    void containerBuildGpu() {
        BuildPlan p = plan(req("runtime", false, BuildRequest.Strategy.AUTO), resolve(null, Overrides.NONE));
        assertEquals("docker buildx build --file containers/Dockerfile.cuda --target runtime --platform linux/amd64 "
                + LABELS + " --progress plain --tag nss-gpu:latest --load"
                + " --metadata-file .nssimg/metadata-default-runtime-linux-amd64.json .", lines(p));
    }

    @Test
    void containerBuildGpuDev() {
        BuildPlan p = plan(req("dev", false, BuildRequest.Strategy.AUTO), resolve(null, Overrides.NONE));
        // dev is the Dockerfile's last stage: built without --target, as BuildKit does.
        assertEquals("docker buildx build --file containers/Dockerfile.cuda --platform linux/amd64 "
                + labels("dev", "default") + " --progress plain --tag nss-gpu-dev:latest --load"
                + " --metadata-file .nssimg/metadata-default-dev-linux-amd64.json .", lines(p));
    }

    @Test
    void containerBuildGpuArm64UsesArm64Flags() {
        BuildPlan p = plan(req("runtime", false, BuildRequest.Strategy.AUTO), resolve("arm64", Overrides.NONE));
        assertEquals("docker buildx build --file containers/Dockerfile.cuda --target runtime --platform linux/arm64 "
                + ARGS_ARM64 + " " + labels("runtime", "arm64") + " --progress plain --tag nss-gpu:latest --load"
                + " --metadata-file .nssimg/metadata-arm64-runtime-linux-arm64.json .", lines(p));
    }

    @Test
    void multiarchSingleIsTheSpecsOneCall() {
        BuildPlan p = plan(req("runtime", true, BuildRequest.Strategy.SINGLE), resolve(null, registry("ghcr.io/nvidia-nemo")));
        assertEquals("docker buildx build --file containers/Dockerfile.cuda --target runtime --platform linux/amd64,linux/arm64 "
                + LABELS + " " + PUBLISH_ONE_CALL + " --progress plain --tag ghcr.io/nvidia-nemo/nss-gpu:latest --push"
                + " --metadata-file .nssimg/metadata-default-runtime-linux-amd64+linux-arm64.json .", lines(p));
        assertEquals(1, p.warnings().size(), "single strategy warns that arm64's own args are ignored");
    }

    @Test
    void multiarchDefaultsToSplitWithPerPlatformArgs() {
        BuildPlan p = plan(req("runtime", true, BuildRequest.Strategy.AUTO), resolve(null, registry("ghcr.io/nvidia-nemo")));
        assertEquals(BuildRequest.Strategy.SPLIT, p.strategy());
        String common = "docker buildx build --file containers/Dockerfile.cuda --target runtime --platform ";
        assertEquals(String.join("\n",
                common + "linux/amd64 " + LABELS + " " + PUBLISH_SPLIT + " --progress plain --tag ghcr.io/nvidia-nemo/nss-gpu:latest-amd64"
                        + " --load --metadata-file .nssimg/metadata-default-runtime-linux-amd64.json .",
                "docker push ghcr.io/nvidia-nemo/nss-gpu:latest-amd64",
                common + "linux/arm64 " + ARGS_ARM64 + " " + LABELS + " " + PUBLISH_SPLIT + " --progress plain --tag ghcr.io/nvidia-nemo/nss-gpu:latest-arm64"
                        + " --load --metadata-file .nssimg/metadata-default-runtime-linux-arm64.json .",
                "docker push ghcr.io/nvidia-nemo/nss-gpu:latest-arm64",
                "docker buildx imagetools create --progress plain --tag ghcr.io/nvidia-nemo/nss-gpu:latest "
                        + annotations("index") + " 'ghcr.io/nvidia-nemo/nss-gpu@${digest:linux/amd64}' 'ghcr.io/nvidia-nemo/nss-gpu@${digest:linux/arm64}'"),
                lines(p));
        assertEquals(List.of(0, 1, 0, 1, 2), p.commands().stream().map(Command::phase).toList(),
                "builds (into the engine only) first, pushes only after all of them, the tag last");
    }

    @Test
    void namedBuilderPushesByDigestWithPerPlatformBuilders() {
        Overrides flags = new Overrides(null, null, null, null, Located.of("127.0.0.1:5000", "flag --registry"), null, null,
                Map.of(), Located.of("nss-multinode", "flag --builder"), null, null);
        BuildPlan p = plan(req("runtime", true, BuildRequest.Strategy.AUTO), resolve("ci", flags));
        assertEquals(3, p.commands().size());
        String amd = p.commands().get(0).shellLine();
        assertTrue(amd.startsWith("docker buildx build --builder nss-multinode --file"), amd);
        assertTrue(amd.contains("--cache-from type=registry,ref=127.0.0.1:5000/nss-gpu:buildcache-amd64"), amd);
        assertTrue(amd.contains("--cache-to type=registry,ref=127.0.0.1:5000/nss-gpu:buildcache-amd64,mode=max"), amd);
        assertTrue(amd.contains("--output type=image,name=127.0.0.1:5000/nss-gpu,push-by-digest=true,name-canonical=true,push=true"), amd);
        assertTrue(p.commands().get(1).shellLine().contains("buildcache-arm64"));
        assertEquals(List.of(0, 0, 1), p.commands().stream().map(Command::phase).toList());
    }

    @Test
    void exampleProfileBuildsTheRealDockerfileWithImageContextsForItsBases() {
        BuildPlan p = plan(req("runtime", false, BuildRequest.Strategy.AUTO), resolve("example-arm64", Overrides.NONE));
        List<String> argv = p.commands().get(0).argv();
        assertEquals("containers/Dockerfile.cuda", argv.get(argv.indexOf("--file") + 1));
        List<String> contexts = new java.util.ArrayList<>();
        for (int i = 0; i < argv.size(); i++) {
            if (argv.get(i).equals("--build-context")) {
                contexts.add(argv.get(i + 1));
            }
        }
        assertEquals(List.of("ghcr.io/astral-sh/uv:0.9.14=docker-image://nssimg-standin-uv:2",
                "nvidia/cuda:12.8.1-devel-ubuntu22.04=docker-image://nssimg-standin-cuda:2",
                "nvidia/cuda:12.8.1-runtime-ubuntu22.04=docker-image://nssimg-standin-cuda:2"), contexts,
                "image references pass as they are; only the bases are substituted");
        assertEquals("target/offline/context", argv.get(argv.size() - 1), "context last");
        assertTrue(argv.contains("CUDA_ARCH_FLAGS=90;90a;120;120a"), "one argv element, no shell quoting");
    }

    @Test
    void secretsArePassedByReferenceOnly() {
        BuildRequest r = new BuildRequest("runtime", false, BuildRequest.Strategy.AUTO, List.of(), BuildRequest.Output.DEFAULT,
                false, false, null, List.of("id=hf,env=HF_TOKEN"), false, null, ROOT.resolve(".nssimg"));
        BuildPlan p = plan(r, resolve(null, Overrides.NONE));
        List<String> argv = p.commands().get(0).argv();
        assertEquals("id=hf,env=HF_TOKEN", argv.get(argv.indexOf("--secret") + 1));
        assertTrue(p.commands().get(0).env().isEmpty());
    }

    @Test
    void imageVersionsArePep440ForThePackage() {
        assertEquals("1.2.0", Planner.pep440("1.2.0"));
        assertEquals("1.2.0.post3+gabc1234", Planner.pep440("1.2.0-3-gabc1234"));
        assertEquals("0.0.0+gabc1234", Planner.pep440("0.0.0-abc1234"));
        assertEquals("1.2.0.post3+gabc1234.dirty", Planner.pep440("1.2.0-3-gabc1234-dirty"));
        assertEquals("2.0.0rc1", Planner.pep440("2.0.0rc1"), "another form is passed as it is");
    }

    @Test
    void undeclaredArgIsAWarningWithoutStrict() {
        Overrides flags = new Overrides(null, null, null, null, null, null, null,
                Map.of("EXTRA", Located.of("1", "flag --build-arg")), null, null, null);
        BuildPlan p = plan(req("runtime", false, BuildRequest.Strategy.AUTO), resolve(null, flags));
        assertEquals(List.of("flag --build-arg: build argument EXTRA is not declared in containers/Dockerfile.cuda; not passed"), p.warnings());
    }

    @Test
    void classicFallbackForSingleLoadBuilds() {
        BuildPlan p = plan(req("runtime", false, BuildRequest.Strategy.AUTO), resolve(null, Overrides.NONE));
        Command c = Planner.classic(p.commands().get(0));
        assertEquals(Map.of("DOCKER_BUILDKIT", "1"), c.env());
        assertEquals(List.of("docker", "build", "--file"), c.argv().subList(0, 3));
        assertTrue(c.argv().contains("--iidfile") && !c.argv().contains("--load") && !c.argv().contains("--metadata-file"));
        BuildPlan ex = plan(req("runtime", false, BuildRequest.Strategy.AUTO), resolve("example", Overrides.NONE));
        assertNull(Planner.classic(ex.commands().get(0)), "named contexts need buildx");
    }

    @Test
    void theClassicFallbackIsTheSameBuildForDockerBuild() {
        BuildPlan p = plan(req("runtime", false, BuildRequest.Strategy.AUTO), resolve(null, Overrides.NONE));
        assertEquals("DOCKER_BUILDKIT=1 docker build --file containers/Dockerfile.cuda --target runtime --platform linux/amd64 "
                + LABELS + " --progress plain --tag nss-gpu:latest"
                + " --iidfile .nssimg/metadata-default-runtime-linux-amd64.json.iid .", lines(p.classic().orElseThrow()));
        assertEquals(ROOT.resolve(".nssimg/metadata-default-runtime-linux-amd64.json.iid"),
                p.classic().orElseThrow().commands().get(0).metadataFile());
        BuildPlan split = plan(req("runtime", true, BuildRequest.Strategy.AUTO), resolve(null, registry("ghcr.io/nvidia-nemo")));
        assertTrue(split.classic().isEmpty(), "several platforms need buildx");
    }

    @Test
    void commandsCarryTheirFactsAndTheIndexTakesTheBuiltDigests() {
        BuildPlan p = plan(req("runtime", true, BuildRequest.Strategy.AUTO), resolve(null, registry("ghcr.io/nvidia-nemo")));
        Build amd = (Build) p.commands().get(0);
        assertEquals(List.of("linux/amd64"), amd.platforms());
        assertEquals(Build.Output.LOAD, amd.output());
        assertFalse(amd.pushes());
        assertTrue(amd.needsBuildx(), "annotations and provenance are buildx's");
        assertEquals(ROOT.resolve(".nssimg/metadata-default-runtime-linux-amd64.json"), amd.metadataFile());
        Command push = p.commands().get(1);
        assertEquals(Command.Kind.PUSH, push.kind());
        assertTrue(push.pushes());
        assertEquals(List.of("linux/amd64"), push.platforms());
        Command index = p.commands().get(4);
        assertEquals(List.of("linux/amd64", "linux/arm64"), index.needsDigestsOf());
        assertTrue(index.pushes() && index.needsBuildx());
        List<String> argv = index.argv(Map.of("linux/amd64", "sha256:1", "linux/arm64", "sha256:2"));
        assertEquals(List.of("ghcr.io/nvidia-nemo/nss-gpu@sha256:1", "ghcr.io/nvidia-nemo/nss-gpu@sha256:2"),
                argv.subList(argv.size() - 2, argv.size()));

        BuildPlan one = plan(req("runtime", true, BuildRequest.Strategy.SINGLE), resolve(null, registry("ghcr.io/nvidia-nemo")));
        Build both = (Build) one.commands().get(0);
        assertEquals(List.of("linux/amd64", "linux/arm64"), both.platforms());
        assertEquals("linux/amd64,linux/arm64", both.label());
        assertTrue(both.pushes() && both.needsBuildx());
        assertEquals(Build.Output.PUSH, both.output());
    }

    @Test
    void tagsAndRepositories() {
        assertEquals("ghcr.io/x/nss-gpu:latest-arm64", Planner.archTag("ghcr.io/x/nss-gpu:latest", "arm64"));
        assertEquals("127.0.0.1:5000/nss:latest-amd64", Planner.archTag("127.0.0.1:5000/nss", "amd64"));
        assertEquals("127.0.0.1:5000/nss", Planner.repository("127.0.0.1:5000/nss:1.0"));
        assertTrue(Planner.hasHost("localhost/x") && Planner.hasHost("a.b/x") && !Planner.hasHost("library/x"));
        assertEquals("'a b' 'it'\\''s' plain", ShellQuote.join(List.of("a b", "it's", "plain")));
    }

    /** A Dockerfile of the user's own, parsed from text. */
    static DockerfileInfo df(String text) {
        return DockerfileInfo.parse(text, "containers/Dockerfile.cuda");
    }

    static final String RAISED = """
            ARG CUDA_VERSION=12.9.1
            ARG UBUNTU_VERSION=24.04
            ARG CUDA_ARCH_FLAGS="80;86;90;90a"
            FROM base:${CUDA_VERSION} AS deps
            FROM base:${CUDA_VERSION} AS Runtime
            ARG CUDA_VERSION
            FROM runtime AS dev
            """;

    @Test
    void theDockerfilesOwnDefaultsAreNotOverriddenByNssimg() {
        BuildPlan p = Planner.plan(req(null, false, BuildRequest.Strategy.AUTO), resolve(null, Overrides.NONE), df(RAISED), FACTS);
        String line = lines(p);
        assertFalse(line.contains("CUDA_VERSION"), "the Dockerfile's 12.9.1 applies; nothing is sent for it: " + line);
        assertFalse(line.contains("--build-arg"), line);
        assertTrue(line.contains("--target runtime"), "no --target: the stage named runtime (any case): " + line);
        Map<String, Located<String>> eff = resolve(null, Overrides.NONE).effectiveArgs(
                Stages.defaults(df(RAISED), Stages.of(null, df(RAISED))), "linux/amd64");
        assertEquals(Located.of("12.9.1", "containers/Dockerfile.cuda:1"), eff.get("CUDA_VERSION"));
    }

    @Test
    void targetsAreFoundAsBuildKitFindsThem() {
        assertTrue(lines(Planner.plan(req("RUNTIME", false, BuildRequest.Strategy.AUTO), resolve(null, Overrides.NONE), df(RAISED), FACTS))
                .contains("--target runtime"), "names compare case-insensitively");
        assertFalse(lines(Planner.plan(req("dev", false, BuildRequest.Strategy.AUTO), resolve(null, Overrides.NONE), df(RAISED), FACTS))
                .contains("--target"), "the last stage is built without --target");
        NssimgException index = assertThrows(NssimgException.class,
                () -> Planner.plan(req("1", false, BuildRequest.Strategy.AUTO), resolve(null, Overrides.NONE), df(RAISED), FACTS));
        assertEquals("flag --target: '1' is not a stage of containers/Dockerfile.cuda (stages: deps, runtime, dev);"
                + " BuildKit looks stages up by name, not by number", index.getMessage());
        DockerfileInfo unnamed = df("FROM python:3.11-slim\nRUN true\n");
        BuildPlan p = Planner.plan(req(null, false, BuildRequest.Strategy.AUTO), resolve(null, Overrides.NONE), unnamed, FACTS);
        assertFalse(lines(p).contains("--target"), lines(p));
        NssimgException none = assertThrows(NssimgException.class,
                () -> Planner.plan(req("test_ci", false, BuildRequest.Strategy.AUTO), resolve(null, Overrides.NONE), unnamed, FACTS));
        assertTrue(none.getMessage().contains("it has no named stages"), none.getMessage());
    }

    @Test
    void effectiveValuesAreCheckedWithTheDockerfilesDefaults() {
        // arm64's SM 120 needs CUDA 12.8; the Dockerfile says 12.6.3 and no profile overrides it.
        DockerfileInfo old = df("ARG CUDA_VERSION=12.6.3\nARG CUDA_ARCH_FLAGS\nFROM base AS runtime\n");
        NssimgException e = assertThrows(NssimgException.class,
                () -> Planner.plan(req("runtime", false, BuildRequest.Strategy.AUTO), resolve("arm64", Overrides.NONE), old, FACTS));
        assertTrue(e.getMessage().contains("12.6.3") && e.getMessage().contains("containers/Dockerfile.cuda:1"), e.getMessage());
    }

    @Test
    void aProfileValueForAnUndeclaredArgIsAWarningAndAnErrorWithStrict() {
        DockerfileInfo noArgs = df("FROM base AS runtime\n");
        BuildPlan p = Planner.plan(req("runtime", false, BuildRequest.Strategy.AUTO), resolve("arm64", Overrides.NONE), noArgs, FACTS);
        assertEquals(1, p.warnings().size(), p.warnings().toString());
        assertTrue(p.warnings().get(0).matches("containers/profiles.yaml:\\d+ \\(profile arm64\\): build argument CUDA_ARCH_FLAGS"
                + " is not declared in containers/Dockerfile.cuda; not passed"), p.warnings().get(0));
        assertFalse(lines(p).contains("CUDA_ARCH_FLAGS"));
        BuildRequest strict = new BuildRequest("runtime", false, BuildRequest.Strategy.AUTO, List.of(), BuildRequest.Output.DEFAULT,
                false, false, "plain", List.of(), true, null, ROOT.resolve(".nssimg"));
        assertThrows(NssimgException.class, () -> Planner.plan(strict, resolve("arm64", Overrides.NONE), noArgs, FACTS));
    }
}
