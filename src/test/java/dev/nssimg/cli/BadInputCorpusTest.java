package dev.nssimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.testing.TestCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad input exits 2 with one line that names the culprit, prints no
 * stack trace, starts no process and never reaches for the engine.
 */
class BadInputCorpusTest {
    @TempDir
    static Path tmp;

    /** A case: files to write into tmp (name -> text), environment, argv, text the error must contain, text it must not. */
    record Case(String name, Map<String, String> files, Map<String, String> env, List<String> args, String expect, String secret) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case c(String name, String expect, String... args) {
        return new Case(name, Map.of(), Map.of(), List.of(args), expect, null);
    }

    static Case env(String name, String var, String value, String expect, String... args) {
        return new Case(name, Map.of(), Map.of(var, value), List.of(args), expect, null);
    }

    static Case yaml(String name, String yaml, String expect, String... extra) {
        List<String> args = new ArrayList<>(List.of("build", "--dry-run", "--config", "@/p.yaml"));
        args.addAll(List.of(extra));
        return new Case(name, Map.of("p.yaml", yaml), Map.of(), args, expect, null);
    }

    static Case dockerfile(String name, String text, String expect) {
        return new Case(name, text == null ? Map.of() : Map.of("Dockerfile", text), Map.of(),
                List.of("build", "--dry-run", "--file", "@/Dockerfile"),
                expect, null);
    }

    static Case secret(String name, String expect, String secret, String... args) {
        return new Case(name, Map.of(), Map.of(), List.of(args), expect, secret);
    }

    static Stream<Case> cases() {
        return Stream.of(
                // flags
                c("unknown flag", "--bogus", "build", "--bogus"),
                c("unknown command", "frobnicate", "frobnicate"),
                c("target not a stage", "'nope' is not a stage of containers/Dockerfile.cuda (stages: uv, deps, project, dev-deps, runtime, dev)",
                        "build", "--target", "nope", "--dry-run"),
                c("unsupported platform", "flag --platform: platform 'linux/s390x'", "build", "--platform", "linux/s390x", "--dry-run"),
                c("uppercase tag", "flag --tag: tag 'UPPER:case' is not a valid image reference", "build", "--tag", "UPPER:case", "--dry-run"),
                c("tag with space", "flag --tag: tag 'nss gpu'", "build", "--tag", "nss gpu", "--dry-run"),
                c("build-arg without =", "flag --build-arg: expected KEY=VALUE, got 'NOEQUALS'", "build", "--build-arg", "NOEQUALS", "--dry-run"),
                c("CUDA_VERSION not X.Y.Z", "flag --build-arg: CUDA_VERSION='12.8' must look like X.Y.Z", "build", "--build-arg", "CUDA_VERSION=12.8", "--dry-run"),
                c("UBUNTU_VERSION not NN.NN", "UBUNTU_VERSION='jammy'", "build", "--build-arg", "UBUNTU_VERSION=jammy", "--dry-run"),
                c("CUDA_IMAGE_TYPE", "CUDA_IMAGE_TYPE='cudnn' must be one of runtime, devel, base, cudnn-runtime, cudnn-devel for"
                        + " nvidia/cuda's tags (FROM nvidia/cuda:12.8.1-cudnn-ubuntu22.04 (containers/Dockerfile.cuda:29))",
                        "build", "--build-arg", "CUDA_IMAGE_TYPE=cudnn", "--dry-run"),
                // PYTHON_VERSION=3.11 is no longer refused: the spec's Dockerfile hands it to `uv python install`, which takes X.Y.
                c("value making an invalid FROM", "flag --build-arg: UV_VERSION='0.9 14' makes FROM ghcr.io/astral-sh/uv:0.9 14"
                        + " (containers/Dockerfile.cuda:26) an invalid image reference", "build", "--build-arg", "UV_VERSION=0.9 14", "--dry-run"),
                c("SM entry", "entry 'sm_86' is not an SM value", "build", "--build-arg", "CUDA_ARCH_FLAGS=80;sm_86", "--dry-run"),
                c("empty SM list", "CUDA_ARCH_FLAGS='' is empty", "build", "--build-arg", "CUDA_ARCH_FLAGS=", "--dry-run"),
                c("SM too new for CUDA", "CUDA_ARCH_FLAGS entry 120 needs CUDA 12.8 or newer, but CUDA_VERSION is 12.4.1",
                        "build", "--build-arg", "CUDA_VERSION=12.4.1", "--build-arg", "CUDA_ARCH_FLAGS=90;120", "--dry-run"),
                c("TARGETARCH set", "TARGETARCH='arm64' is set by BuildKit", "build", "--build-arg", "TARGETARCH=arm64", "--dry-run"),
                secret("secret-like HF_TOKEN", "build argument HF_TOKEN looks like a secret", "hf_abc123secret",
                        "build", "--build-arg", "HF_TOKEN=hf_abc123secret", "--dry-run"),
                secret("secret-like PASSWORD", "DB_PASSWORD looks like a secret", "hunter2", "build", "--build-arg", "DB_PASSWORD=hunter2", "--dry-run"),
                secret("secret-like KEY", "API_KEY looks like a secret", "k-123", "build", "--build-arg", "API_KEY=k-123", "--dry-run"),
                c("undeclared arg with --strict", "build argument UNDECLARED is not declared in containers/Dockerfile.cuda; not passed (--strict)",
                        "build", "--build-arg", "UNDECLARED=1", "--strict", "--dry-run"),
                c("multiarch without registry", "flag --multiarch needs a registry: pass --registry REGISTRY or set CONTAINER_GPU_REGISTRY",
                        "build", "--multiarch", "--dry-run"),
                c("push without registry", "flag --push needs a registry", "build", "--push", "--dry-run"),
                c("multiarch with --load", "flag --load: a multi-platform image cannot be loaded", "build", "--multiarch",
                        "--registry", "ghcr.io/x", "--load", "--dry-run"),
                c("push and load", "flags --push and --load: choose one", "build", "--push", "--load", "--dry-run"),
                c("bad progress", "flag --progress: 'fancy'", "build", "--progress", "fancy", "--dry-run"),
                c("jobs zero", "flag --jobs: must be at least 1", "build", "--jobs", "0", "--dry-run"),
                c("bad strategy", "--strategy", "build", "--strategy", "sideways", "--dry-run"),
                c("split without multiarch", "flag --strategy: split needs --multiarch", "build", "--strategy", "split", "--dry-run"),
                c("registry with scheme", "flag --registry: registry 'https://ghcr.io/x' is not valid", "build", "--multiarch",
                        "--registry", "https://ghcr.io/x", "--dry-run"),
                c("secret without =", "flag --secret: expected id=NAME,env=VAR", "build", "--secret", "hf_token", "--dry-run"),
                secret("secret with a value key", "flag --secret: unknown key 'value'", "supersecret", "build", "--secret",
                        "id=x,value=supersecret", "--dry-run"),
                c("secret without id", "flag --secret: id=NAME is required", "build", "--secret", "env=HF_TOKEN", "--dry-run"),
                c("cache {image} without registry", "flag --cache-to: cache ref uses {image}, which needs a registry",
                        "build", "--cache-to", "{image}:cache", "--dry-run"),
                c("unknown profile", "flag --profile: unknown profile 'nope' in containers/profiles.yaml (known: amd64, arm64, arm64-devel",
                        "build", "--profile", "nope", "--dry-run"),
                c("missing config", "missing.yaml: profiles file not found", "build", "--config", "missing.yaml", "--dry-run"),
                c("smoke target", "flag --target: 'deps' is not runtime or dev", "smoke", "--target", "deps"),
                c("smoke timeout", "flag --timeout: must be at least 1 second", "smoke", "--timeout", "0"),
                c("smoke image ref", "flag --image: image 'Not/Valid' is not a valid image reference", "smoke", "--image", "Not/Valid"),
                c("smoke all-platforms of a local name", "flag --all-platforms: 'nss-gpu:latest' is not a registry reference",
                        "smoke", "--all-platforms"),
                c("run shm size", "flag --shm-size: 'lots' is not a size", "run", "--shm-size", "lots"),
                c("run relative mount", "flag --mount: mount source 'relative' must be an absolute path", "run", "--mount", "relative:/x"),
                c("run mount without target", "flag --mount: '/a' is not SRC:DST[:ro]", "run", "--mount", "/a"),
                c("run gpus", "flag --gpus: 'many'", "run", "--gpus", "many"),
                c("run env", "flag --env: expected KEY=VALUE or KEY, got '=x'", "run", "--env", "=x"),
                c("run platform", "flag --platform: platform 'linux/386'", "run", "--platform", "linux/386"),
                c("run preset", "flag --preset: unknown run preset 'tensorflow' (known: pytorch)", "run", "--preset", "tensorflow"),
                c("run ipc", "flag --ipc: ipc 'shared' is not one of host, private, shareable, none", "run", "--ipc", "shared"),
                c("run ulimit name", "flag --ulimit: unknown ulimit 'memory'", "run", "--ulimit", "memory=1"),
                c("run ulimit value", "flag --ulimit: ulimit memlock=lots is not SOFT[:HARD]", "run", "--ulimit", "memlock=lots"),
                c("run ulimit order", "flag --ulimit: ulimit stack=9:8: the soft limit is above the hard one", "run", "--ulimit", "stack=9:8"),
                c("run gpus device", "flag --gpus: 'device=' is not all, none", "run", "--gpus", "device="),
                new Case("run profile ulimit", Map.of("p.yaml", "profiles:\n  a:\n    run:\n      ulimits: {memlock: unlimited}\n"), Map.of(),
                        List.of("run", "--config", "@/p.yaml", "--profile", "a", "--dry-run"), "p.yaml:4 (profile a): ulimit memlock=unlimited is not SOFT[:HARD]", null),
                c("inspect ref", "argument REF: image 'Bad Ref'", "inspect", "Bad Ref"),
                c("doctor registry", "flag --registry: registry 'http://x'", "doctor", "--registry", "http://x"),
                c("profiles show unknown", "unknown profile 'ghost'", "profiles", "show", "ghost"),
                // environment variables named as the Makefile's
                env("env platform", "CONTAINER_GPU_PLATFORM", "windows/amd64", "env CONTAINER_GPU_PLATFORM: platform 'windows/amd64'", "build", "--dry-run"),
                env("env image", "CONTAINER_GPU_IMAGE", "Nss:GPU", "env CONTAINER_GPU_IMAGE: image 'Nss:GPU'", "build", "--dry-run"),
                env("env image dev", "CONTAINER_GPU_IMAGE_DEV", "a b", "env CONTAINER_GPU_IMAGE_DEV: image-dev 'a b'", "build", "--dry-run"),
                env("env registry", "CONTAINER_GPU_REGISTRY", "ghcr.io/x/", "env CONTAINER_GPU_REGISTRY: registry 'ghcr.io/x/'", "build", "--multiarch", "--dry-run"),
                env("env gpu flag", "CONTAINER_GPU_FLAG", "--runtime nvidia", "env CONTAINER_GPU_FLAG: '--runtime nvidia'", "run"),
                env("env gpu cdi", "CONTAINER_GPU_FLAG", "--device /dev/dri", "env CONTAINER_GPU_FLAG: '--device /dev/dri' is not of the form", "run"),
                env("env extra mounts", "CONTAINER_EXTRA_MOUNTS", "/a:/b", "env CONTAINER_EXTRA_MOUNTS: expected '-v SRC:DST[:ro]' pairs", "run"),
                env("env extra mount target", "CONTAINER_EXTRA_MOUNTS", "-v /a:b", "env CONTAINER_EXTRA_MOUNTS: '/a:b' is not SRC:DST", "run"),
                env("env SOURCE_DATE_EPOCH", "SOURCE_DATE_EPOCH", "yesterday", "env SOURCE_DATE_EPOCH: 'yesterday'", "build", "--dry-run"),
                // profile YAML
                yaml("yaml syntax", "defaults:\n  args: [unclosed\n", "p.yaml:2:18: invalid YAML"),
                yaml("yaml unknown top key", "profile:\n  a: {}\n", "p.yaml:1: unknown key 'profile' in top level"),
                yaml("yaml unknown run key", "profiles:\n  a:\n    run: {ipcs: host}\n", "p.yaml:3: unknown key 'ipcs' in profiles.a.run", "--profile", "a"),
                yaml("yaml platform dockerfile platform", "profiles:\n  a:\n    platform-dockerfiles: {linux/386: D}\n", "platform 'linux/386'", "--profile", "a"),
                yaml("yaml platform dockerfile missing", "profiles:\n  a:\n    platform-dockerfiles: {linux/arm64: nope/Dockerfile}\n",
                        "p.yaml:3 (profile a): Dockerfile", "--profile", "a", "--multiarch", "--registry", "r.example"),
                yaml("yaml unknown profile key", "profiles:\n  a:\n    platfrom: linux/amd64\n", "p.yaml:3: unknown key 'platfrom' in profiles.a", "--profile", "a"),
                yaml("yaml extends cycle", "profiles:\n  a:\n    extends: b\n  b:\n    extends: a\n", "extends cycle: a -> b -> a", "--profile", "a"),
                yaml("yaml extends unknown", "profiles:\n  a:\n    extends: ghost\n", "p.yaml:3: unknown profile 'ghost'", "--profile", "a"),
                yaml("yaml args not a map", "defaults:\n  args: [1, 2]\n", "p.yaml:2: defaults.args must be a mapping"),
                yaml("yaml bad CUDA", "defaults:\n  args:\n    CUDA_VERSION: twelve\n", "p.yaml:3 (defaults): CUDA_VERSION='twelve'"),
                yaml("yaml bad platform-args key", "defaults:\n  platform-args:\n    linux/ppc64le:\n      CUDA_ARCH_FLAGS: '90'\n",
                        "platform 'linux/ppc64le' is not supported"),
                yaml("yaml duplicate key", "defaults:\n  image: a:1\n  image: b:2\n", "p.yaml:3: duplicate key 'image'"),
                yaml("yaml profile name", "profiles:\n  Big:\n    platform: linux/amd64\n", "p.yaml:2: profile name 'Big'"),
                yaml("yaml platforms twice", "defaults:\n  platforms: [linux/amd64, linux/amd64]\n", "platform linux/amd64 is listed twice",
                        "--multiarch", "--registry", "r.example"),
                yaml("yaml secret-like arg", "defaults:\n  args:\n    NGC_API_KEY: abc\n", "p.yaml:3 (defaults): build argument NGC_API_KEY looks like a secret"),
                yaml("yaml scalar expected", "defaults:\n  image: [a, b]\n", "p.yaml:2: defaults.image must be a single value"),
                // Dockerfile problems
                dockerfile("missing Dockerfile", null, "Dockerfile not found"),
                dockerfile("no FROM", "# nothing\nARG A=1\n", "no FROM instruction"),
                dockerfile("RUN before FROM", "RUN echo hi\nFROM scratch AS runtime\n", "Dockerfile:1: RUN before the first FROM"),
                dockerfile("LABEL without =", "FROM scratch AS runtime\nLABEL justakey\n", "Dockerfile:2: expected KEY=VALUE, got 'justakey'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputExits2WithOneLine(Case k) throws IOException {
        Path dir = Files.createTempDirectory(tmp, "case");
        for (var f : k.files().entrySet()) {
            if (f.getValue() != null) {
                Files.writeString(dir.resolve(f.getKey()), f.getValue());
            }
        }
        TestCli cli = new TestCli();
        k.env().forEach(cli::env);
        String[] args = k.args().stream().map(a -> a.replace("@/", dir + "/")).toArray(String[]::new);
        TestCli.Result r = cli.run(args);

        assertEquals(2, r.exit(), () -> "exit code; stderr was: " + r.err());
        assertEquals(1, r.errLine().lines().count(), () -> "one line expected, got: " + r.err());
        assertTrue(r.err().contains(k.expect()), () -> "expected '" + k.expect() + "' in: " + r.err());
        assertTrue(r.err().startsWith("nssimg: "), r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), () -> "stack trace: " + r.err());
        // Local git may answer (the build's time and tags); docker never runs for bad input.
        assertTrue(r.spawned().stream().noneMatch(a -> a.get(0).equals("docker")), () -> "spawned " + r.spawned());
        assertEquals(0, r.engineRequests(), "engine contacted");
        assertEquals("", r.out(), "stdout must stay empty");
        if (k.secret() != null) {
            assertFalse(r.err().contains(k.secret()), "secret value echoed: " + r.err());
        }
    }

    @org.junit.jupiter.api.Test
    void corpusHasAtLeastFortyCases() {
        assertTrue(cases().count() >= 40, "corpus size " + cases().count());
    }
}
