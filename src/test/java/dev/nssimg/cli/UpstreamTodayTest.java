package dev.nssimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.testing.FakeGit;
import dev.nssimg.testing.TestCli;
import dev.nssimg.testing.UpstreamRepo;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nssimg on a checkout shaped like the Safe Synthesizer repository today (src/test/resources/upstream-today): a
 * python-slim Dockerfile whose GPU variant is a Python extra, mise tasks (file tasks and TOML includes) beside a stale
 * Makefile, a CI Dockerfile of three stages and a DGX Spark Dockerfile of one unnamed stage. From the root and a
 * subdirectory; the tree stays as git has it.
 */
class UpstreamTodayTest {
    @TempDir
    Path tmp;
    Path repo;
    Path src;

    /** The fixture's .dockerignore with its drift mended (THIRD_PARTY.md sent), for the tests about other things. */
    static final String MENDED_IGNORE = ".git/\n.venv/\n__pycache__/\ndist/\n*.log\n";

    @BeforeEach
    void checkout() {
        repo = UpstreamRepo.createToday(tmp.resolve("Safe-Synthesizer"), ".dockerignore", MENDED_IGNORE);
        src = repo.resolve("src/nemo_safe_synthesizer");
    }

    @Test
    void checkSeesWhatTheDockerignoreExcludesAsBuildkitWould() {
        Path drifted = UpstreamRepo.createToday(tmp.resolve("drifted"));
        TestCli.Result c = run(drifted).run("check", "--no-buildkit");
        assertEquals(1, c.exit(), c.out());
        assertTrue(c.out().contains("containers/Dockerfile.cuda:21: copy-source: error: COPY source THIRD_PARTY.md is excluded by"
                + " .dockerignore:6 (THIRD_PARTY.md); the build fails here"), c.out());
        TestCli.Result b = run(drifted.resolve("src")).run("build", "--dry-run");
        assertEquals(1, b.exit(), "the build does not start: " + b.err());
        // The CI Dockerfile's wheel-install stage copies dist/*.whl (excluded, and absent): the default build does not reach it.
        TestCli.Result ci = run(drifted).run("check", "--no-buildkit", "-f", "containers/Dockerfile.test_ci");
        assertEquals(0, ci.exit(), ci.out());
        assertTrue(ci.out().contains("containers/Dockerfile.test_ci:9: copy-source: note: COPY source dist/*.whl matches nothing"
                + " in the context; stage wheel-install is not part of this build"), ci.out());
        assertFalse(ci.out().contains("unused-stage"), "the runner builds wheel-install with --target: " + ci.out());
        TestCli.Result wheel = run(drifted).run("check", "--no-buildkit", "-f", "containers/Dockerfile.test_ci", "--target",
                "wheel-install");
        assertEquals(1, wheel.exit(), "built on purpose, the stage fails as BuildKit would (lstat dist): " + wheel.out());
        assertTrue(wheel.out().contains("containers/Dockerfile.test_ci:9: copy-source: error: COPY source dist/*.whl matches"
                + " nothing in the context; the build fails here"), wheel.out());
        // The DGX Spark file installs an extra the pyproject lacks: pip goes on with a warning, so a note.
        TestCli.Result spark = run(repo).run("check", "--no-buildkit", "-f", "containers/Dockerfile.cuda-aarch64");
        assertTrue(spark.out().contains("containers/Dockerfile.cuda-aarch64:6: python-extra: note: extra cuda-aarch64 is not in the"
                + " project's pyproject.toml (engine, cpu, cu129, cu130)"), spark.out());
        // A Dockerfile's own NAME.dockerignore beats the context's, as BuildKit reads it.
        Path own = UpstreamRepo.createToday(tmp.resolve("own"), "containers/Dockerfile.cuda.dockerignore", MENDED_IGNORE);
        assertEquals(0, run(own).run("check", "--no-buildkit").exit());
        assertEquals("", UpstreamRepo.status(drifted) + UpstreamRepo.status(own));
    }

    @AfterEach
    void treeStaysClean() {
        assertEquals("", UpstreamRepo.status(repo), "nssimg wrote into the user's tree");
    }

    private TestCli run(Path cwd) {
        return new TestCli().cwd(cwd).env("SOURCE_DATE_EPOCH", "0").env("HOME", tmp.resolve("home").toString());
    }

    @Test
    void theDockerfilesOwnPythonVersionPlansFromTheRootAndASubdirectory() {
        for (Path cwd : List.of(repo, src)) {
            TestCli.Result r = run(cwd).run("build", "--dry-run");
            assertEquals(0, r.exit(), r.err());
            assertFalse(r.out().contains("--build-arg"), "the Dockerfile's own 3.13 and cu129 apply: " + r.out());
            TestCli.Result set = run(cwd).run("build", "--dry-run", "--build-arg", "PYTHON_VERSION=3.12");
            assertEquals(0, set.exit(), "python:3.12-slim-bookworm is a valid reference: " + set.err());
            assertTrue(set.out().contains("--build-arg PYTHON_VERSION=3.12"), set.out());
        }
        TestCli.Result check = run(repo).run("check", "--no-buildkit");
        assertFalse(check.out().contains("arg-value"), check.out());
    }

    @Test
    void aValueThatBreaksTheFromLineIsRefusedNamingItsSourceAndTheLine() {
        TestCli.Result r = run(repo).run("build", "--dry-run", "--build-arg", "PYTHON_VERSION=3 13");
        assertEquals(2, r.exit(), r.err());
        assertEquals("nssimg: error: flag --build-arg: PYTHON_VERSION='3 13' makes FROM python:3 13-slim-bookworm"
                + " (containers/Dockerfile.cuda:10) an invalid image reference\n", r.err());
    }

    @Test
    void theMiseTasksVariablesBecomeBuildArgumentsAndTheMakefileIsNotRead() {
        TestCli.Result r = run(src).env("CONTAINER_GPU_EXTRA", "cu130").env("CONTAINER_GPU_PACKAGE_VERSION", "1.2.3")
                .run("build", "--dry-run");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("--build-arg CONTAINER_EXTRA=cu130 --build-arg CONTAINER_VARIANT=cu130"
                + " --build-arg PACKAGE_VERSION=1.2.3"), "the variant follows the extra (the task's nested default): " + r.out());
        assertTrue(r.out().contains("--tag nss-gpu:latest"), "the stale Makefile's nss-gpu:stale-make is not read: " + r.out());

        TestCli.Result show = run(src).env("CONTAINER_GPU_EXTRA", "cu130").run("profiles", "show", "default");
        assertEquals(0, show.exit(), show.err());
        assertTrue(show.out().lines().anyMatch(l -> l.matches("\\s*args\\.CONTAINER_EXTRA\\s+cu130\\s+"
                + "\\.mise/tasks/container/build/gpu:10 \\(CONTAINER_GPU_EXTRA\\)")), show.out());
        assertTrue(show.out().contains("  runner: mise (.mise/tasks, .mise/tasks/containers.toml)"), show.out());
        assertTrue(show.out().contains("  note: the Makefile was not read: the mise tasks define the container targets too"),
                show.out());
    }

    @Test
    void aPushedBuildVersionsThePackageAsItLabelsTheImage() {
        String sha = UpstreamRepo.git(repo, "rev-parse", "HEAD").strip();
        // git answers as after a release tag and three commits (FakeGit: unit tests start no process).
        TestCli.Result r = run(repo).launcher(FakeGit.clean("main", sha, 1700000000L, "v1.2.0-3-gabc1234"))
                .run("build", "--dry-run", "--push", "--registry", "127.0.0.1:5000");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("--build-arg PACKAGE_VERSION=1.2.0.post3+gabc1234"), r.out());
        assertTrue(r.out().contains("--label org.opencontainers.image.version=1.2.0-3-gabc1234"), r.out());
        TestCli.Result set = run(repo).launcher(FakeGit.clean("main", sha, 1700000000L, "v1.2.0-3-gabc1234"))
                .env("CONTAINER_GPU_PACKAGE_VERSION", "1.2.3").run("build", "--dry-run", "--push", "--registry", "127.0.0.1:5000");
        assertTrue(set.out().contains("--build-arg PACKAGE_VERSION=1.2.3")
                && set.out().contains("--label org.opencontainers.image.version=1.2.3"), "the user's version, on both: " + set.out());
        TestCli.Result loaded = run(repo).run("build", "--dry-run");
        assertFalse(loaded.out().contains("PACKAGE_VERSION"), "a local build labels no version: " + loaded.out());
    }

    @Test
    void aVariantThePyprojectCannotInstallIsExit2NamingItsSource() {
        TestCli.Result r = run(repo).env("CONTAINER_GPU_EXTRA", "cu131").run("build", "--dry-run");
        assertEquals(2, r.exit(), r.err());
        assertEquals("nssimg: error: .mise/tasks/container/build/gpu:10 (CONTAINER_GPU_EXTRA): CONTAINER_EXTRA='cu131' is"
                + " not an extra of the project's pyproject.toml (engine, cpu, cu129, cu130): uv sync --extra cu131 would fail"
                + " (containers/Dockerfile.cuda:20)\n", r.err());
        TestCli.Result check = run(repo).env("CONTAINER_GPU_EXTRA", "cu131").run("check", "--no-buildkit");
        assertEquals(1, check.exit(), check.out());
        assertTrue(check.out().contains("containers/Dockerfile.cuda:20: arg-value: error: "), check.out());
        TestCli.Result show = run(repo).env("CONTAINER_GPU_EXTRA", "cu131").run("profiles", "show", "default");
        assertEquals(2, show.exit(), "profiles show refuses what build refuses");
    }

    @Test
    void anotherDockerfileNeverTakesTheGpuImagesTag() {
        TestCli.Result test = run(repo).run("build", "--dry-run", "-f", "containers/Dockerfile.test_ci");
        assertEquals(0, test.exit(), test.err());
        assertTrue(test.out().contains("--tag nss-test:latest"), test.out());
        assertFalse(test.out().contains("nss-gpu"), test.out());
        TestCli.Result named = run(repo).env("CONTAINER_TEST_IMAGE", "ci/nss-test:pr-7")
                .run("build", "--dry-run", "-f", "containers/Dockerfile.test_ci");
        assertTrue(named.out().contains("--tag ci/nss-test:pr-7"), named.out());
        TestCli.Result spark = run(repo).run("build", "--dry-run", "-f", "containers/Dockerfile.cuda-aarch64");
        assertEquals(2, spark.exit(), spark.err());
        assertEquals("nssimg: error: flag --file: containers/Dockerfile.cuda-aarch64 is neither the profile's Dockerfile"
                + " (containers/Dockerfile.cuda) nor the test Dockerfile; pass --tag to name its image (it would otherwise"
                + " overwrite nss-gpu:latest)\n", spark.err());
        TestCli.Result tagged = run(repo).run("build", "--dry-run", "-f", "containers/Dockerfile.cuda-aarch64", "--tag", "nss-spark:dev");
        assertEquals(0, tagged.exit(), tagged.err());
        TestCli.Result gpuFile = run(repo).env("CONTAINER_GPU_FILE", "containers/Dockerfile.cuda-aarch64")
                .run("build", "--dry-run", "-f", "containers/Dockerfile.cuda-aarch64");
        assertEquals(0, gpuFile.exit(), "CONTAINER_GPU_FILE's Dockerfile is the profile's: " + gpuFile.err());
        assertTrue(gpuFile.out().contains("--tag nss-gpu:latest"), gpuFile.out());
    }

    @Test
    void runUsesTheRunTasksDefaultCommands() {
        TestCli.Result dev = run(src).run("run", "--dev", "--dry-run", "--gpus", "none");
        assertEquals(0, dev.exit(), dev.err());
        assertTrue(dev.out().strip().endsWith("nss-gpu-dev:latest mise run test"), dev.out());
        TestCli.Result ci = run(src).run("run", "--test", "--dry-run");
        assertEquals(0, ci.exit(), ci.err());
        assertTrue(ci.out().strip().endsWith("nss-test:latest mise run test:ci"), ci.out());
        TestCli.Result given = run(src).run("run", "--dev", "--dry-run", "--gpus", "none", "--", "pytest", "-q");
        assertTrue(given.out().strip().endsWith("nss-gpu-dev:latest pytest -q"), given.out());
        assertTrue(dev.out().contains("--platform linux/amd64") && ci.out().contains("--platform linux/amd64"),
                "the platform the run tasks pass: " + dev.out() + ci.out());
        TestCli.Result arm = run(src).env("CONTAINER_GPU_PLATFORM", "linux/arm64").run("run", "--dev", "--dry-run", "--gpus", "none");
        assertTrue(arm.out().contains("--platform linux/arm64"), arm.out());
        TestCli.Result bad = run(src).env("CONTAINER_GPU_PLATFORM", "linux/s390x").run("run", "--dev", "--dry-run", "--gpus", "none");
        assertEquals(2, bad.exit());
        assertTrue(bad.errLine().contains("env CONTAINER_GPU_PLATFORM: platform 'linux/s390x' is not supported"), bad.err());
    }

    @Test
    void initWritesOneProfilePerGpuVariant() throws Exception {
        Path out = tmp.resolve("profiles.yaml");
        TestCli.Result init = run(src).run("init", "--output", out.toString());
        assertEquals(0, init.exit(), init.err());
        String yaml = java.nio.file.Files.readString(out);
        assertTrue(yaml.contains("  cu129:") && yaml.contains("  cu130:") && !yaml.contains("  cpu:"), yaml);
        assertTrue(yaml.contains("  env-args:\n    CONTAINER_GPU_EXTRA: CONTAINER_EXTRA\n    CONTAINER_GPU_VARIANT: CONTAINER_VARIANT\n"
                + "    CONTAINER_GPU_PACKAGE_VERSION: PACKAGE_VERSION\n"), "the runner's mapping, stated outright: " + yaml);
        TestCli.Result show = run(src).run("profiles", "show", "cu130", "--config", out.toString());
        assertEquals(0, show.exit(), show.err());
        assertTrue(show.out().lines().anyMatch(l -> l.matches("\\s*args\\.CONTAINER_EXTRA\\s+cu130\\s+.*\\(profile cu130\\)")), show.out());
        assertTrue(show.out().lines().anyMatch(l -> l.matches("\\s*args\\.CONTAINER_VARIANT\\s+cu130\\s+.*")), show.out());
        assertTrue(show.out().lines().anyMatch(l -> l.matches("\\s*image\\s+nss-gpu:cu130\\s+.*")), show.out());
        TestCli.Result build = run(src).run("build", "--dry-run", "--config", out.toString(), "--profile", "cu130", "--target", "dev");
        assertEquals(0, build.exit(), build.err());
        assertTrue(build.out().contains("--build-arg CONTAINER_EXTRA=cu130") && build.out().contains("--tag nss-gpu-dev:cu130"),
                build.out());
    }

    @Test
    void aProfileChoosesTheRunnerAndStatesAMappingNssimgCannotRead() throws Exception {
        Path cfg = tmp.resolve("p.yaml");
        java.nio.file.Files.writeString(cfg, """
                profiles:
                  make:
                    runner: make
                  mapped:
                    env-args: {MY_FLAVOUR: CONTAINER_EXTRA}
                """);
        TestCli.Result make = run(src).run("build", "--dry-run", "--config", cfg.toString(), "--profile", "make");
        assertTrue(make.out().contains("--tag nss-gpu:latest"), make.out());
        TestCli.Result show = run(src).run("profiles", "show", "make", "--config", cfg.toString());
        assertTrue(show.out().contains("  runner: make (Makefile)") && show.out().contains("the mise tasks were not read"), show.out());
        TestCli.Result mapped = run(src).env("MY_FLAVOUR", "cu130").run("build", "--dry-run", "--config", cfg.toString(),
                "--profile", "mapped");
        assertTrue(mapped.out().contains("--build-arg CONTAINER_EXTRA=cu130"), mapped.out());
        TestCli.Result shown = run(src).env("MY_FLAVOUR", "cu130").run("profiles", "show", "mapped", "--config", cfg.toString());
        assertTrue(shown.out().lines().anyMatch(l -> l.matches("\\s*args\\.CONTAINER_EXTRA\\s+cu130\\s+env MY_FLAVOUR \\(.*p\\.yaml:5 \\(profile mapped\\)\\)")),
                shown.out());
        java.nio.file.Files.writeString(cfg, "profiles:\n  bad:\n    runner: just\n");
        TestCli.Result bad = run(src).run("build", "--dry-run", "--config", cfg.toString(), "--profile", "bad");
        assertEquals(2, bad.exit());
        assertTrue(bad.errLine().endsWith("runner 'just' is not one of mise, make"), bad.err());
    }

    @Test
    void doctorSaysWhichRunnerWasRead() {
        TestCli.Result r = run(src).run("doctor");
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("runner") && l.contains("mise (.mise/tasks, .mise/tasks/containers.toml)")
                && l.contains("the Makefile was not read")), r.out() + r.err());
    }
}
