package dev.nssimg.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResolverTest {
    static final Path ROOT = Path.of("/repo");
    static final String YAML = """
            defaults:
              image: base:1
              args:
                PYTHON_VERSION: "3.12.10"
              platform-args:
                linux/arm64:
                  CUDA_ARCH_FLAGS: "90;90a;120;120a"
            profiles:
              a:
                description: first
                context: ctx
                args:
                  CUDA_VERSION: "12.9.1"
              b:
                extends: a
                image: b:2
                platform: linux/arm64
            """;

    static ProfilesFile file() {
        return ProfilesFile.parse(new StringReader(YAML), "p.yaml");
    }

    @Test
    void buildArgsHaveNoBuiltInValuesTheDockerfilesDefaultsAreTheLowestLayer() {
        Resolved r = Resolver.resolve(ProfilesFile.parse(new StringReader(""), "x"), null, ROOT, ROOT, Overrides.NONE, Overrides.NONE);
        assertEquals(Map.of(), r.argsFor("linux/amd64"), "nothing set, nothing passed: the Dockerfile decides");
        Map<String, Located<String>> dockerfile = Map.of("CUDA_VERSION", Located.of("12.9.1", "containers/Dockerfile.cuda:59"));
        assertEquals(dockerfile, r.effectiveArgs(dockerfile, "linux/amd64"));
        assertEquals("linux/amd64", r.platform().value());
        assertEquals(List.of("linux/amd64", "linux/arm64"), r.platforms().value());
        assertEquals("nss-gpu:latest", r.image().value());
        assertEquals("nss-gpu-dev:latest", r.imageDev().value());
        assertEquals(ROOT.resolve("containers/Dockerfile.cuda"), r.dockerfile().value());
        assertEquals("default", r.image().origin());
    }

    @Test
    void layersApplyInOrderAndSayWhereEachValueCameFrom() {
        Resolved r = Resolver.resolve(file(), "b", ROOT, ROOT, Overrides.NONE, Overrides.NONE);
        assertEquals("b:2", r.image().value());
        assertEquals("p.yaml:16 (profile b)", r.image().origin());
        assertEquals("12.9.1", r.argsFor("linux/arm64").get("CUDA_VERSION").value(), "inherited through extends");
        assertEquals("p.yaml:13 (profile a)", r.argsFor("linux/arm64").get("CUDA_VERSION").origin());
        assertEquals("3.12.10", r.argsFor("linux/arm64").get("PYTHON_VERSION").value());
        assertEquals("90;90a;120;120a", r.argsFor("linux/arm64").get("CUDA_ARCH_FLAGS").value(), "per-platform");
        assertEquals(null, r.argsFor("linux/amd64").get("CUDA_ARCH_FLAGS"), "amd64: the Dockerfile's own");
        assertEquals(ROOT.resolve("ctx"), r.context().value(), "file paths are relative to the project root");
        assertEquals("nss-gpu-dev:latest", r.imageDev().value());
    }

    @Test
    void environmentBeatsTheFileAndFlagsBeatEverything() {
        Overrides env = Overrides.fromEnv(Map.of("CONTAINER_GPU_IMAGE", "env:3", "CONTAINER_GPU_PLATFORM", "linux/amd64",
                "CONTAINER_GPU_REGISTRY", "ghcr.io/x", "CONTAINER_GPU_IMAGE_DEV", ""));
        Overrides flags = new Overrides(null, null, null, null, Located.of("r.example", "flag --registry"), null,
                Located.of("sub", "flag --context"), Map.of("CUDA_ARCH_FLAGS", Located.of("90", "flag --build-arg")), null, null, null);
        Resolved r = Resolver.resolve(file(), "b", ROOT, Path.of("/work"), env, flags);
        assertEquals("env:3", r.image().value());
        assertEquals("env CONTAINER_GPU_IMAGE", r.image().origin());
        assertEquals("linux/amd64", r.platform().value());
        assertEquals("nss-gpu-dev:latest", r.imageDev().value(), "an empty variable counts as unset, as in make");
        assertEquals("r.example", r.registry().value());
        assertEquals(Path.of("/work/sub"), r.context().value(), "flag paths are relative to the working directory");
        assertEquals("90", r.argsFor("linux/arm64").get("CUDA_ARCH_FLAGS").value(), "--build-arg beats platform-args");
    }

    @Test
    void aHigherLayersArgsBeatALowerLayersPlatformArgs() {
        String yaml = YAML + "  c:\n    args:\n      CUDA_ARCH_FLAGS: \"90\"\n";
        Resolved r = Resolver.resolve(ProfilesFile.parse(new StringReader(yaml), "p.yaml"), "c", ROOT, ROOT, Overrides.NONE, Overrides.NONE);
        assertEquals("90", r.argsFor("linux/arm64").get("CUDA_ARCH_FLAGS").value());
        assertEquals("90", r.sharedArgs().get("CUDA_ARCH_FLAGS").value());
    }

    @Test
    void commaSeparatedPlatformVariableMeansSeveralPlatforms() {
        Overrides env = Overrides.fromEnv(Map.of("CONTAINER_GPU_PLATFORM", "linux/arm64, linux/amd64"));
        Resolved r = Resolver.resolve(file(), null, ROOT, ROOT, env, Overrides.NONE);
        assertEquals(List.of("linux/arm64", "linux/amd64"), r.platforms().value());
    }

    @Test
    void theShippedProfilesFileResolvesEveryProfile() {
        Path root = dev.nssimg.testing.TestCli.ROOT;
        ProfilesFile f = ProfilesFile.load(root.resolve("containers/profiles.yaml"), "containers/profiles.yaml");
        assertTrue(f.profiles().keySet().containsAll(List.of("amd64", "arm64", "arm64-devel", "example")));
        for (String p : f.profiles().keySet()) {
            Resolver.resolve(f, p, root, root, Overrides.NONE, Overrides.NONE);
        }
        Resolved devel = Resolver.resolve(f, "arm64-devel", root, root, Overrides.NONE, Overrides.NONE);
        assertEquals("linux/arm64", devel.platform().value());
        assertEquals("devel", devel.argsFor("linux/arm64").get("CUDA_IMAGE_TYPE").value());
        assertEquals("90;90a;120;120a", devel.argsFor("linux/arm64").get("CUDA_ARCH_FLAGS").value());
    }

    @Test
    void validationAcceptsGoodValues() {
        Validation.imageRef(Located.of("127.0.0.1:5000/nss-gpu:1.0-rc1", "t"), "image");
        Validation.imageRef(Located.of("ghcr.io/nvidia-nemo/nss-gpu@sha256:" + "a".repeat(64), "t"), "image");
        Validation.registry(Located.of("localhost:5000", "t"));
        Validation.buildArg("CUDA_ARCH_FLAGS", Located.of("80;86;89;90;90a;100;120;120a", "t"));
        Validation.buildArgs(Map.of("CUDA_VERSION", Located.of("12.8.1", "t"), "CUDA_ARCH_FLAGS", Located.of("120", "t")));
        assertTrue(Validation.compareVersions("12.10.0", "12.8.0") > 0);
    }
}
