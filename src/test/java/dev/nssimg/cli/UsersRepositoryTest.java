package dev.nssimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.testing.TestCli;
import dev.nssimg.testing.UpstreamRepo;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nssimg on a checkout of the users' own repository (no profiles file, nssimg's files nowhere): from its root and
 * from a subdirectory, the repository's Dockerfile decides, stages are found as BuildKit finds them, local inputs
 * are checked first, and the tree stays as git has it.
 */
class UsersRepositoryTest {
    @TempDir
    Path tmp;
    Path repo;
    Path src;

    @BeforeEach
    void checkout() {
        repo = UpstreamRepo.create(tmp.resolve("Safe-Synthesizer"));
        src = repo.resolve("src/nemo_safe_synthesizer");
    }

    @AfterEach
    void treeStaysClean() {
        assertEquals("", UpstreamRepo.status(repo), "nssimg wrote into the user's tree");
    }

    private TestCli.Result run(Path cwd, String... args) {
        return new TestCli().cwd(cwd).env("SOURCE_DATE_EPOCH", "0").env("HOME", tmp.resolve("home").toString()).run(args);
    }

    @Test
    void fromTheRootAndASubdirectoryTheDockerfileOfTheRepositoryIsBuiltWithItsOwnDefaults() {
        for (Path cwd : List.of(repo, src)) {
            TestCli.Result r = run(cwd, "build", "--dry-run");
            assertEquals(0, r.exit(), r.err());
            String line = r.out().strip();
            String at = cwd.equals(repo) ? "" : repo + "/"; // paths outside the working directory are shown whole
            assertTrue(line.startsWith("docker buildx build --file " + at + "containers/Dockerfile.cuda --target runtime "), line);
            assertFalse(line.contains("--build-arg"), "the Dockerfile's 12.9.1 and 24.04 apply, nothing is sent: " + line);
            assertTrue(line.endsWith(cwd.equals(repo) ? " ." : " " + repo), "the context is the repository root: " + line);
            assertTrue(r.spawned().isEmpty());
        }
    }

    @Test
    void profilesShowTheDockerfileAsTheOriginOfEveryBuildArgument() {
        TestCli.Result r = run(src, "profiles", "show", "default");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("profile default (project root " + repo + ", profiles (built-in defaults))"), r.out());
        String df = java.util.regex.Pattern.quote(repo + "/containers/Dockerfile.cuda");
        assertTrue(r.out().matches("(?s).*args\\.CUDA_VERSION +12\\.9\\.1 +" + df + ":4\\n.*"), r.out());
        assertTrue(r.out().matches("(?s).*args\\.UBUNTU_VERSION +24\\.04 +" + df + ":5\\n.*"), r.out());
        assertFalse(r.out().contains("UV_VERSION"), "the Dockerfile declares none: " + r.out());
        TestCli.Result list = run(src, "profiles");
        assertTrue(list.out().contains("project root " + repo) && list.out().contains("  default "), list.out());
    }

    @Test
    void aProfileValueTheDockerfileDoesNotDeclareIsMarkedUnused() {
        Path cfg = tmp.resolve("nssimg.yaml");
        write(cfg, "profiles:\n  uv:\n    args: {UV_VERSION: \"0.9.14\"}\n");
        TestCli.Result r = run(repo, "profiles", "show", "uv", "--config", cfg.toString());
        assertTrue(r.out().matches("(?s).*args\\.UV_VERSION +0\\.9\\.14 +.*nssimg\\.yaml:3 \\(profile uv\\)  \\(unused: the Dockerfile does not declare it\\).*"),
                r.out());
        TestCli.Result b = run(repo, "build", "--dry-run", "--profile", "uv", "--config", cfg.toString());
        assertEquals(0, b.exit(), b.err());
        assertTrue(b.err().contains("build argument UV_VERSION is not declared in containers/Dockerfile.cuda; not passed"), b.err());
        assertFalse(b.out().contains("UV_VERSION"), b.out());
        TestCli.Result strict = run(repo, "build", "--dry-run", "--strict", "--profile", "uv", "--config", cfg.toString());
        assertEquals(2, strict.exit(), strict.err());
        assertTrue(strict.errLine().endsWith("build argument UV_VERSION is not declared in containers/Dockerfile.cuda; not passed"
                + " (--strict) (see 'nssimg build --help')") || strict.errLine().endsWith("not passed (--strict)"), strict.errLine());
    }

    @Test
    void theUnnamedStageOfTheCiDockerfileIsBuiltWithoutTarget() {
        TestCli.Result r = run(repo, "build", "--dry-run", "--file", "containers/Dockerfile.test_ci", "--tag", "nss-test:latest");
        assertEquals(0, r.exit(), r.err());
        assertFalse(r.out().contains("--target"), r.out());
        TestCli.Result named = run(repo, "build", "--dry-run", "--file", "containers/Dockerfile.test_ci", "--target", "test_ci");
        assertEquals(2, named.exit());
        assertEquals("nssimg: error: flag --target: 'test_ci' is not a stage of containers/Dockerfile.test_ci (it has no named"
                + " stages (without --target its last stage is built))", named.errLine());
        TestCli.Result env = new TestCli().cwd(src).env("CONTAINER_GPU_FILE", "containers/Dockerfile.test_ci").run("build", "--dry-run");
        assertEquals(0, env.exit(), env.err());
        assertTrue(env.out().contains("--file " + repo + "/containers/Dockerfile.test_ci "), "CONTAINER_GPU_FILE is --file: " + env.out());
    }

    @Test
    void stagesAreLookedUpByNameCaseInsensitivelyAndNeverByNumber() {
        TestCli.Result upper = run(repo, "build", "--dry-run", "--target", "Tools");
        assertEquals(0, upper.exit(), upper.err());
        assertTrue(upper.out().contains("--target tools "), upper.out());
        TestCli.Result dev = run(repo, "build", "--dry-run", "--target", "dev");
        assertFalse(dev.out().contains("--target"), "dev is the last stage: " + dev.out());
        TestCli.Result index = run(repo, "build", "--dry-run", "--target", "0");
        assertEquals(2, index.exit());
        assertTrue(index.errLine().contains("(stages: tools, deps, runtime, dev); BuildKit looks stages up by name, not by number"),
                index.errLine());
    }

    @Test
    void aPlatformListInTheEnvironmentMeansMultiarchAsTheFlagDoes() {
        TestCli.Result r = new TestCli().cwd(repo).env("CONTAINER_GPU_PLATFORM", "linux/amd64,linux/arm64")
                .env("CONTAINER_GPU_REGISTRY", "127.0.0.1:5000").run("build", "--dry-run");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("--platform linux/amd64,linux/arm64 ") && r.out().contains(" --push "), r.out());
    }

    @Test
    void localInputsAreCheckedBeforeAnythingRunsDryRunIncluded() {
        TestCli.Result ctx = run(src, "build", "--dry-run", "--context", "nowhere");
        assertEquals(2, ctx.exit());
        assertEquals("nssimg: error: flag --context: context nowhere is not a directory", ctx.errLine());
        TestCli.Result file = run(src, "build", "--dry-run", "--secret", "id=hf,src=missing.txt");
        assertEquals(2, file.exit());
        assertEquals("nssimg: error: flag --secret id=hf: file missing.txt not found or not readable", file.errLine());
        TestCli.Result var = run(src, "build", "--dry-run", "--secret", "id=hf,env=HF_TOKEN_NOT_SET");
        assertEquals(2, var.exit());
        assertEquals("nssimg: error: flag --secret id=hf: environment variable HF_TOKEN_NOT_SET is not set", var.errLine());
        TestCli.Result df = run(src, "build", "--dry-run", "--file", "Dockerfile.nope");
        assertEquals(2, df.exit());
        assertEquals("nssimg: error: flag --file: Dockerfile Dockerfile.nope not found", df.errLine());
        for (TestCli.Result r : List.of(ctx, file, var, df)) {
            assertTrue(r.spawned().isEmpty() && r.engineRequests() == 0);
        }
    }

    @Test
    void secretsAreCheckedAsBuildxReadsThem() {
        TestCli.Result envType = run(repo, "build", "--dry-run", "--secret", "id=hf,type=env,src=HF_NOT_SET");
        assertEquals(2, envType.exit());
        assertEquals("nssimg: error: flag --secret id=hf: environment variable HF_NOT_SET is not set", envType.errLine());
        TestCli.Result set = new TestCli().cwd(repo).env("HF_SET", "x").run("build", "--dry-run", "--secret", "id=hf,type=env,src=HF_SET");
        assertEquals(0, set.exit(), set.err());
        TestCli.Result dir = run(repo, "build", "--dry-run", "--secret", "id=hf,src=src");
        assertEquals(2, dir.exit(), "a directory is not a secret file");
        TestCli.Result idOnly = run(repo, "build", "--dry-run", "--secret", "id=hf");
        assertEquals(0, idOnly.exit(), "an id alone is buildx's to look up: " + idOnly.err());
    }

    @Test
    void defaultIsTheDefaultsAloneForEveryCommandAndASinglePlatformFlagBeatsAnEnvironmentList() {
        TestCli.Result r = run(repo, "build", "--dry-run", "--profile", "default");
        assertEquals(0, r.exit(), r.err());
        TestCli.Result one = new TestCli().cwd(repo).env("CONTAINER_GPU_PLATFORM", "linux/amd64,linux/arm64")
                .run("build", "--dry-run", "--platform", "linux/arm64");
        assertEquals(0, one.exit(), one.err());
        assertTrue(one.out().contains("--platform linux/arm64 ") && one.out().contains(" --load "), one.out());
        TestCli.Result noRegistry = new TestCli().cwd(repo).env("CONTAINER_GPU_PLATFORM", "linux/amd64,linux/arm64").run("build", "--dry-run");
        assertEquals(2, noRegistry.exit());
        assertTrue(noRegistry.errLine().startsWith("nssimg: error: env CONTAINER_GPU_PLATFORM (several platforms) needs a registry"),
                noRegistry.errLine());
    }

    @Test
    void theDockerfilesDefaultsAreReadAsBuildKitReadsThemAndOnlyTheirFormIsChecked() {
        write(repo.resolve("containers/Dockerfile.cuda"), """
                ARG TARGETARCH=amd64
                ARG NVIDIA_GPG_KEY_URL=https://example.invalid/key
                ARG CUDA_VERSION=12.4.1
                ARG CUDA_VERSION=12.9.1
                FROM base:${CUDA_VERSION} AS tools
                ARG PYTHON_VERSION=3.10.0
                FROM base:${CUDA_VERSION} AS runtime
                ARG PYTHON_VERSION=3.12.1
                ARG CUDA_VERSION
                """);
        TestCli.Result r = run(repo, "build", "--dry-run");
        assertEquals(0, r.exit(), "a TARGETARCH default or a KEY-named URL is the Dockerfile's business: " + r.err());
        TestCli.Result show = run(repo, "profiles", "show");
        assertTrue(show.out().matches("(?s).*args\\.CUDA_VERSION +12\\.9\\.1 +containers/Dockerfile\\.cuda:4\\n.*"),
                "a later global ARG replaces the earlier: " + show.out());
        assertTrue(show.out().matches("(?s).*args\\.PYTHON_VERSION +3\\.12\\.1 +containers/Dockerfile\\.cuda:8\\n.*"),
                "the built stage's own default: " + show.out());
        assertTrue(show.out().contains("note: ARG defaults of stage runtime"), show.out());
        UpstreamRepo.git(repo, "checkout", "-q", "--", "containers/Dockerfile.cuda");
    }

    @Test
    void aProfilesFileAboveTheRepositoryIsNotTheRepositorysOwn() {
        write(tmp.resolve("containers/profiles.yaml"), "defaults:\n  image: not-this-one:1\n");
        TestCli.Result r = run(src, "build", "--dry-run");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("--tag nss-gpu:latest"), "the git root bounds the search: " + r.out());
    }

    private static void write(Path p, String text) {
        try {
            java.nio.file.Files.createDirectories(p.getParent());
            java.nio.file.Files.writeString(p, text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Upstream's once-real pitfall: a variable in COPY --from, which BuildKit does not expand; check names its line, build stops. */
    @Test
    void checkFlagsAVariableInCopyFromWithItsLineAndTheBuildDoesNotStart() throws Exception {
        Path df = repo.resolve("containers/Dockerfile.cuda");
        List<String> lines = new java.util.ArrayList<>(java.nio.file.Files.readAllLines(df));
        int at = lines.indexOf("COPY --from=tools /etc/hostname /tmp/tools-ran") + 1;
        lines.add(at, "COPY --from=ghcr.io/astral-sh/uv:${PYTHON_VERSION} /uv /usr/local/bin/");
        java.nio.file.Files.write(df, lines);
        UpstreamRepo.git(repo, "commit", "-qam", "a Dockerfile with the pitfall");
        TestCli.Result c = run(src, "check", "--no-buildkit");
        assertEquals(1, c.exit(), c.out() + c.err());
        String expected = repo + "/containers/Dockerfile.cuda:" + (at + 1) + ": from-variable: error: COPY --from=ghcr.io/astral-sh/uv:${PYTHON_VERSION}: ";
        assertTrue(c.out().lines().anyMatch(l -> l.startsWith(expected)), c.out());
        assertTrue(c.out().contains(": 1 error, 0 warnings, 0 notes;"), c.out());
        TestCli.Result b = run(repo, "build", "--dry-run");
        assertEquals(1, b.exit(), b.err());
        assertTrue(b.err().contains("containers/Dockerfile.cuda:" + (at + 1) + ": from-variable: error:"), b.err());
        assertTrue(b.err().strip().endsWith("1 error in the Dockerfile (above; nssimg check explains), so the build did not start"), b.err());
        assertEquals("", b.out(), "nothing planned is printed");
    }

    /** init writes only what differs from the Dockerfile, outside the tree; the arm64 profile then carries the SM list. */
    @Test
    void initWritesAStarterFileOutsideTheTreeThatBuildAndProfilesRead() throws Exception {
        TestCli.Result i = run(src, "init");
        assertEquals(0, i.exit(), i.err());
        Path written = tmp.resolve("home/.config/nssimg/projects");
        assertTrue(i.out().startsWith("wrote " + written), i.out());
        String yaml;
        try (var files = java.nio.file.Files.walk(written)) {
            yaml = java.nio.file.Files.readString(files.filter(java.nio.file.Files::isRegularFile).findFirst().orElseThrow());
        }
        assertFalse(yaml.contains("CUDA_VERSION:") || yaml.contains("UBUNTU_VERSION:"), "the Dockerfile's own defaults stay its own: " + yaml);
        assertTrue(yaml.contains("# nssimg profiles, written by nssimg init from ") && yaml.contains("stages: tools, deps, runtime, dev"), yaml);

        TestCli.Result arm = run(src, "build", "--profile", "arm64", "--dry-run");
        assertEquals(0, arm.exit(), arm.err());
        assertTrue(arm.out().contains("--platform linux/arm64 --build-arg 'CUDA_ARCH_FLAGS=90;90a;120;120a'"), arm.out());
        TestCli.Result amd = run(src, "build", "--profile", "amd64", "--dry-run");
        assertFalse(amd.out().contains("--build-arg"), "amd64 takes the Dockerfile's own SM list: " + amd.out());
        TestCli.Result show = run(src, "profiles", "show", "arm64");
        assertTrue(show.out().lines().anyMatch(l -> l.contains("args.CUDA_VERSION") && l.contains("containers/Dockerfile.cuda:")), show.out());

        TestCli.Result again = run(src, "init");
        assertEquals(2, again.exit(), again.err());
        assertTrue(again.errLine().contains("exists; nssimg init does not overwrite"), again.errLine());
        assertEquals(yaml.length(), java.nio.file.Files.readString(java.nio.file.Files.walk(written)
                .filter(java.nio.file.Files::isRegularFile).findFirst().orElseThrow()).length(), "left as it was");
    }

    @Test
    void initIntoTheTreeOnlyWhenAskedAndNeverOverAFile() throws Exception {
        Path out = repo.resolve("containers/profiles.yaml");
        TestCli.Result i = run(src, "init", "--output", out.toString());
        assertEquals(0, i.exit(), i.err());
        assertTrue(i.out().contains("inside the work tree"), i.out());
        assertTrue(java.nio.file.Files.isRegularFile(out));
        TestCli.Result again = run(repo, "init", "-o", "containers/profiles.yaml");
        assertEquals(2, again.exit());
        assertTrue(again.errLine().startsWith("nssimg: error: flag --output: containers/profiles.yaml exists"), again.errLine());
        TestCli.Result shadowed = run(src, "init");
        assertEquals(2, shadowed.exit(), "the tree's file would hide the user's: " + shadowed.out());
        assertTrue(shadowed.errLine().contains("containers/profiles.yaml exists, and nssimg reads it before the user's profiles file"),
                shadowed.errLine());
        TestCli.Result elsewhere = run(src, "init", "-o", tmp.resolve("mine.yaml").toString());
        assertEquals(0, elsewhere.exit(), elsewhere.err());
        assertTrue(elsewhere.out().contains("pass --config " + tmp.resolve("mine.yaml")), elsewhere.out());
        assertTrue(java.nio.file.Files.getPosixFilePermissions(tmp.resolve("mine.yaml"))
                .contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ), "an ordinary file, not owner-only");
        java.nio.file.Files.delete(out); // the tree is the user's: the test removes what it asked for
        TestCli.Result missing = run(repo, "init", "-f", "containers/Nope");
        assertEquals(2, missing.exit());
        assertEquals("nssimg: error: flag --file: Dockerfile containers/Nope not found", missing.errLine());
    }
}
