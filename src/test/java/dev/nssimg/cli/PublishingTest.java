package dev.nssimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.testing.FakeGit;
import dev.nssimg.testing.TestCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tags from git, the build's time, attestations, annotations and caches, as planned (git answered by a fake). */
class PublishingTest {
    static final String SHA = "abcdef0123456789abcdef0123456789abcdef01";

    @TempDir
    Path tmp;

    Path profiles(String extra) throws IOException {
        Path f = tmp.resolve("profiles.yaml");
        Files.writeString(f, """
                profiles:
                  rel:
                    dockerfile: containers/Dockerfile.cuda
                    context: .
                    image: nss-example:latest
                    registries: [127.0.0.1:5000/one, 127.0.0.1:5000/two]
                    tags: ["{version}", "sha-{short-sha}", "{branch}", "{date}", "latest"]
                """ + extra);
        return f;
    }

    TestCli.Result dry(FakeGit git, String... args) throws IOException {
        List<String> argv = new java.util.ArrayList<>(List.of("build", "--config", profiles("").toString(), "--profile", "rel",
                "--push", "--dry-run"));
        argv.addAll(List.of(args));
        return new TestCli().launcher(git).run(argv.toArray(String[]::new));
    }

    @Test
    void tagsFromGitGoToEveryRegistryAndLatestOnlyOnTheDefaultBranch() throws IOException {
        TestCli.Result r = dry(FakeGit.clean("feature/GPU build", SHA, 1700000000L, "v1.2.0-3-gabcdef0"));
        assertEquals(0, r.exit(), r.err());
        for (String reg : List.of("127.0.0.1:5000/one", "127.0.0.1:5000/two")) {
            for (String tag : List.of("1.2.0-3-gabcdef0", "sha-abcdef0", "feature-GPU-build", "20231114")) {
                assertTrue(r.out().contains("--tag " + reg + "/nss-example:" + tag + " "), tag + " in " + r.out());
            }
        }
        assertFalse(r.out().contains(":latest"), r.out());
        assertTrue(r.err().contains("tag latest left out: branch feature/GPU build is not the default branch main"), r.err());
        assertTrue(r.out().startsWith("SOURCE_DATE_EPOCH=1700000000 docker buildx build "), "HEAD's commit time: " + r.out());
        assertTrue(r.out().contains("--label org.opencontainers.image.created=2023-11-14T22:13:20Z"), r.out());
        assertTrue(r.out().contains("--label org.opencontainers.image.version=1.2.0-3-gabcdef0"), r.out());
        assertTrue(r.out().contains("--annotation index:org.opencontainers.image.version=1.2.0-3-gabcdef0"), r.out());
        assertTrue(r.out().contains("--provenance mode=max"), "pushed images get full provenance by default: " + r.out());
        assertTrue(r.spawned().stream().allMatch(a -> a.get(0).equals("git")), "only local git: " + r.spawned());
    }

    /** The --tag values of each imagetools create line of a dry run, in order. */
    static List<List<String>> indexCalls(String out) {
        return out.lines().filter(l -> l.startsWith("docker buildx imagetools create ")).map(l -> {
            List<String> tags = new java.util.ArrayList<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("--tag (\\S+)").matcher(l);
            while (m.find()) {
                tags.add(m.group(1));
            }
            return tags;
        }).toList();
    }

    @Test
    void aMultiarchIndexTagsEachOtherRepositoryOnceBeforeItsOtherTags() throws IOException {
        TestCli.Result r = dry(FakeGit.clean("main", SHA, 1700000000L, "v1.2.0"), "--multiarch", "--strategy", "split");
        assertEquals(0, r.exit(), r.err());
        String one = "127.0.0.1:5000/one/nss-example:";
        String two = "127.0.0.1:5000/two/nss-example:";
        List<String> rest = List.of("sha-abcdef0", "main", "20231114", "latest");
        // The platforms were pushed to one/; the first call copies the index into two/ under one tag only.
        assertEquals(List.of(List.of(one + "1.2.0", two + "1.2.0", one + "sha-abcdef0", one + "main", one + "20231114", one + "latest"),
                rest.stream().map(t -> two + t).toList()), indexCalls(r.out()), r.out());

        Path f = tmp.resolve("single.yaml");
        Files.writeString(f, "profiles:\n  rel: {image: nss-example:latest, registries: [127.0.0.1:5000/one], tags: [a, b]}\n");
        TestCli.Result single = new TestCli().launcher(FakeGit.clean("main", SHA, 1700000000L, "v1.2.0"))
                .run("build", "--config", f.toString(), "--profile", "rel", "--multiarch", "--strategy", "split", "--dry-run");
        assertEquals(0, single.exit(), single.err());
        assertEquals(List.of(List.of(one + "a", one + "b")), indexCalls(single.out()), "one repository, one call: " + single.out());
    }

    @Test
    void latestOnAReleaseTagAndTheBranchFromCi() throws IOException {
        TestCli.Result r = dry(FakeGit.clean(null, SHA, 1700000000L, "v1.3.0"));
        assertEquals(2, r.exit(), "detached, no CI variable: {branch} cannot be resolved");
        assertTrue(r.errLine().startsWith("nssimg: error: ") && r.errLine().contains("{branch} cannot be resolved: HEAD is detached"),
                r.errLine());
        assertEquals(1, r.errLine().lines().count());

        TestCli.Result ci = new TestCli().launcher(FakeGit.clean(null, SHA, 1700000000L, "v1.3.0")).env("GITHUB_REF_NAME", "main")
                .run("build", "--config", profiles("").toString(), "--profile", "rel", "--push", "--dry-run");
        assertEquals(0, ci.exit(), ci.err());
        assertTrue(ci.out().contains("--tag 127.0.0.1:5000/one/nss-example:1.3.0 "), ci.out());
        assertTrue(ci.out().contains("--tag 127.0.0.1:5000/two/nss-example:latest "), ci.out());
    }

    @Test
    void aShallowCloneWithoutTagsIsExit2WithTheHint() throws IOException {
        FakeGit shallow = FakeGit.clean("main", SHA, 1700000000L, null).answer("rev-parse", "true\n", 0);
        TestCli.Result r = dry(shallow);
        assertEquals(2, r.exit());
        assertTrue(r.errLine().contains("{version} cannot be resolved: git describe found no tag, and this clone is shallow:"
                + " fetch the tags (git fetch --tags --unshallow"), r.errLine());

        TestCli.Result full = dry(FakeGit.clean("main", SHA, 1700000000L, null));
        assertEquals(0, full.exit(), full.err());
        assertTrue(full.out().contains("--tag 127.0.0.1:5000/one/nss-example:0.0.0-abcdef0 "), "full clone, no tag: " + full.out());
    }

    @Test
    void withoutGitAPlaceholderIsExit2AndUnknownOnesAreNamed() throws IOException {
        TestCli.Result r = new TestCli().run("build", "--config", profiles("").toString(), "--profile", "rel", "--push", "--dry-run");
        assertEquals(2, r.exit());
        assertTrue(r.errLine().contains("{version} cannot be resolved: git is not installed"), r.errLine());

        Path f = tmp.resolve("bad.yaml");
        Files.writeString(f, "profiles:\n  x: {image: nss-example:latest, tags: [\"{commit}\"]}\n");
        TestCli.Result bad = new TestCli().launcher(FakeGit.clean("main", SHA, 1, "v1.0")).run("build", "--config", f.toString(),
                "--profile", "x", "--dry-run");
        assertEquals(2, bad.exit());
        assertTrue(bad.errLine().contains(":2 (profile x): tag '{commit}': unknown placeholder {commit}"), bad.errLine());
    }

    @Test
    void aDirtyTreeSaysSoAndBuildsWithTodaysTime() throws IOException {
        FakeGit dirty = FakeGit.clean("main", SHA, 1700000000L, "v1.0")
                .answer("status", "# branch.oid " + SHA + "\n# branch.head main\n1 .M N... 100644 100644 100644 a b README.md\n", 0);
        TestCli.Result r = dry(dirty);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("uncommitted changes (README.md), so the build's time is now"), r.err());
        assertFalse(r.out().contains("SOURCE_DATE_EPOCH=1700000000"), r.out());
        TestCli.Result set = new TestCli().launcher(dirty).env("SOURCE_DATE_EPOCH", "1600000000")
                .run("build", "--config", profiles("").toString(), "--profile", "rel", "--push", "--dry-run");
        assertFalse(set.err().contains("uncommitted"), "the variable wins: " + set.err());
        assertTrue(set.out().contains("created=2020-09-13T12:26:40Z"), set.out());
    }

    @Test
    void attestationFlagsAndGhaCachesAreArgv() throws IOException {
        FakeGit git = FakeGit.clean("main", SHA, 1700000000L, "v1.0");
        TestCli.Result r = dry(git, "--provenance", "mode=min", "--sbom", "true", "--attest", "type=sbom,generator=my/scanner",
                "--cache-to", "type=gha,scope=nss-{arch},mode=max", "--cache-from", "type=gha,scope=nss-{arch}");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("--provenance mode=min --sbom true --attest type=sbom,generator=my/scanner"), r.out());
        assertTrue(r.out().contains("--cache-from type=gha,scope=nss-amd64 --cache-to type=gha,scope=nss-amd64,mode=max"), r.out());
        assertTrue(r.err().contains("a type=gha cache export needs a docker-container builder"), r.err());
        TestCli.Result none = dry(git, "--provenance", "false");
        assertTrue(none.out().contains("--provenance false"), none.out());
    }

    @Test
    void reproducibleOnTheDockerDriverIsAnOciExportLoadedAndPushedTagByTag() throws IOException {
        TestCli.Result r = dry(FakeGit.clean("main", SHA, 1700000000L, "v1.0"), "--reproducible");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).contains("--output type=oci,dest=") && lines.get(0).contains(",rewrite-timestamp=true "), lines.get(0));
        assertTrue(lines.get(1).startsWith("docker load --input ") && lines.get(1).endsWith(".oci.tar"), lines.get(1));
        assertEquals(List.of("docker push 127.0.0.1:5000/one/nss-example:1.0", "docker push 127.0.0.1:5000/two/nss-example:1.0"),
                lines.subList(2, 4));
        assertEquals(2 + 5 * 2, lines.size(), "one push per tag and registry: " + r.out());

        TestCli.Result named = dry(FakeGit.clean("main", SHA, 1700000000L, "v1.0"), "--reproducible", "--builder", "remote-bk");
        assertTrue(named.out().contains("--output type=image,push=true,rewrite-timestamp=true "), named.out());
        assertEquals(1, named.out().lines().count(), "other drivers rewrite timestamps in their own exporter");
    }

    @Test
    void verifyReproducibleRefusesPush() throws IOException {
        TestCli.Result r = dry(FakeGit.clean("main", SHA, 1, "v1.0"), "--verify-reproducible");
        assertEquals(2, r.exit());
        assertTrue(r.errLine().contains("--verify-reproducible and --push"), r.errLine());
    }
}
