package dev.nssimg.buildx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.error.ExitCode;
import dev.nssimg.error.NssimgException;
import dev.nssimg.lifecycle.Cleanup;
import dev.nssimg.lifecycle.Log;
import dev.nssimg.plan.Build;
import dev.nssimg.plan.BuildFlags;
import dev.nssimg.plan.BuildPlan;
import dev.nssimg.plan.BuildRequest;
import dev.nssimg.plan.Command;
import dev.nssimg.plan.Manifest;
import dev.nssimg.plan.Push;
import dev.nssimg.runtime.ProcessLauncher;
import dev.nssimg.runtime.TurnLock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner's own logic (phases, digests, retries, failure messages) with real
 * processes standing in for docker: each docker argv is mapped to a bash script.
 */
class BuildRunnerTest {
    @TempDir
    Path dir;

    final List<List<String>> started = new ArrayList<>();
    final StringWriter err = new StringWriter();

    /** Runs `bash -c script` for a command; scripts see how many times they ran via a counter file. */
    ProcessLauncher scripted(Map<String, String> scriptByLabel) {
        return (argv, env, cwd) -> {
            synchronized (started) {
                started.add(argv);
            }
            String key = argv.get(1).equals("push") ? "push" : argv.get(argv.size() - 1);
            // The runner asks `docker buildx version` after a failure without BuildKit output: buildx is there.
            String script = key.equals("version") ? "echo github.com/docker/buildx v0.13.1" : scriptByLabel.get(key);
            return new ProcessBuilder("bash", "-c", script).directory(dir.toFile()).start();
        };
    }

    /** One JVM's turns: runners of this test class share them, as a daemon's invocations do. */
    static final TurnLock.Turns TURNS = new TurnLock.Turns();

    BuildRunner runner(ProcessLauncher l) {
        return new BuildRunner(l, new PrintWriter(err, true), dir, null, Map.of(),
                new Cleanup(new PrintWriter(err, true)), new Log(), TURNS);
    }

    /** A build of platform whose argv ends with context (the key of its script). */
    static Command build(String platform, String context, Path meta, Build.Output output) {
        BuildFlags flags = new BuildFlags(null, "Dockerfile", "runtime", Map.of(), Map.of(), Map.of(), List.of(), null, null,
                false, false, null);
        return new Build(Build.Tool.BUILDX, List.of(platform), flags, List.of(), output, meta,
                meta == null ? null : meta.toString(), context);
    }

    static BuildPlan plan(Command... cs) {
        return new BuildPlan("runtime", List.of("linux/amd64"), BuildRequest.Strategy.SINGLE, List.of("r/x:1"), true, List.of(cs), List.of());
    }

    @Test
    void aPushThatHitsARegistryServerErrorIsRetriedOnce() throws Exception {
        Path meta = dir.resolve("m.json");
        String digest = "sha256:" + "b".repeat(64);
        String script = "n=$(cat count 2>/dev/null || echo 0); echo $((n+1)) > count; "
                + "if [ $n -eq 0 ]; then echo 'ERROR: failed to push: unexpected status from HEAD request to http://r/v2/x/manifests/1: 500 Internal Server Error' >&2; exit 1; fi; "
                + "echo '{\"containerimage.digest\": \"" + digest + "\"}' > m.json";
        BuildRunner.Result r = runner(scripted(Map.of("ctx", script))).run(plan(build("linux/amd64", "ctx", meta, Build.Output.PUSH)), 1);
        assertEquals(digest, r.digest());
        assertEquals(2, started.stream().filter(a -> a.contains("ctx")).count(), "one retry");
        assertTrue(err.toString().contains("the registry failed") && err.toString().contains("trying once more"), err.toString());
    }

    /** The engine's unpack race (moby/buildkit#6521, seen here once in a full suite): the cached build again succeeds. */
    @Test
    void aLoadThatLosesAParentSnapshotWhileUnpackingIsRetriedOnce() throws Exception {
        Path meta = dir.resolve("m.json");
        String digest = "sha256:" + "c".repeat(64);
        String script = "n=$(cat count 2>/dev/null || echo 0); echo $((n+1)) > count; "
                + "if [ $n -eq 0 ]; then echo '#20 exporting to image' >&2; echo '#20 ERROR: failed to prepare extraction snapshot"
                + " \\\"extract-1 sha256:38\\\": parent snapshot sha256:6228 does not exist: not found' >&2; exit 1; fi; "
                + "echo '{\"containerimage.digest\": \"" + digest + "\"}' > m.json";
        BuildRunner.Result r = runner(scripted(Map.of("ctx", script))).run(plan(build("linux/amd64", "ctx", meta, Build.Output.LOAD)), 1);
        assertEquals(digest, r.digest());
        assertEquals(2, started.stream().filter(a -> a.contains("ctx")).count(), "one retry");
        assertTrue(err.toString().contains("the engine lost a layer while unpacking") && err.toString().contains("trying once more"),
                err.toString());
    }

    @Test
    void refusalsAndBuildFailuresAreNotRetried() {
        String refused = "echo 'ERROR: failed to push: 401 Unauthorized' >&2; exit 1";
        NssimgException e = assertThrows(NssimgException.class,
                () -> runner(scripted(Map.of("ctx", refused))).run(plan(build("linux/amd64", "ctx", null, Build.Output.PUSH)), 1));
        assertEquals(1, started.stream().filter(a -> a.contains("ctx")).count());
        assertEquals(ExitCode.FAILED, e.exitCode());
        started.clear();
        String stepFails = "echo '#5 [runtime 2/2] RUN false' >&2; echo '#5 ERROR: process \"/bin/sh -c false\" did not complete successfully: exit code: 1' >&2; exit 1";
        NssimgException f = assertThrows(NssimgException.class,
                () -> runner(scripted(Map.of("ctx", stepFails))).run(plan(build("linux/amd64", "ctx", null, Build.Output.LOAD)), 1));
        assertEquals(1, started.stream().filter(a -> a.contains("ctx")).count());
        assertEquals("build failed at step [runtime 2/2] RUN false: process \"/bin/sh -c false\" did not complete successfully: exit code: 1",
                f.getMessage());
    }

    /** A split plan for two platforms: build, push, then one index; scripts keyed by context or pushed tag. */
    BuildRunner.Result runSplit(Map<String, String> scripts, int jobs) {
        String index = "sha256:" + "3".repeat(64);
        List<Command> cs = List.of(
                build("linux/amd64", "amd", null, Build.Output.LOAD),
                new Push("linux/amd64", "r/x:1-amd64"),
                build("linux/arm64", "arm", null, Build.Output.LOAD),
                new Push("linux/arm64", "r/x:1-arm64"),
                new Manifest(2, null, List.of("r/x:1"), "r/x", List.of("linux/amd64", "linux/arm64")));
        ProcessLauncher launcher = (argv, env, cwd) -> {
            synchronized (started) {
                started.add(argv);
            }
            if (argv.contains("imagetools")) {
                return imagetools("echo \"#1 0.1 pushing " + index + " to r/x:1\" >&2", argv);
            }
            String key = argv.get(argv.size() - 1);
            String script = key.equals("version") ? "echo github.com/docker/buildx v0.13.1" : scripts.get(key);
            return new ProcessBuilder("bash", "-c", script).directory(dir.toFile()).start();
        };
        BuildPlan p = new BuildPlan("runtime", List.of("linux/amd64", "linux/arm64"), BuildRequest.Strategy.SPLIT, List.of("r/x:1"),
                true, cs, List.of());
        return runner(launcher).run(p, jobs);
    }

    /** Runs script for an imagetools argv, which it sees as its arguments. */
    Process imagetools(String script, List<String> argv) throws java.io.IOException {
        List<String> bash = new ArrayList<>(List.of("bash", "-c", script, "docker"));
        bash.addAll(argv.subList(1, argv.size()));
        return new ProcessBuilder(bash).directory(dir.toFile()).start();
    }

    static String pushed(String arch, String digest) {
        return "test -f " + arch + ".txt || exit 7; touch pushed-" + arch + "; echo 'x-" + arch + ": digest: " + digest + " size: 1'";
    }

    @Test
    void eachPlatformPushesAfterItsOwnBuildAndTheIndexJoinsThePushedDigests() throws Exception {
        String amd = "sha256:" + "1".repeat(64);
        String arm = "sha256:" + "2".repeat(64);
        Map<String, String> scripts = Map.of(
                "amd", "echo built > amd.txt",
                // arm64 builds slowly: amd64's push must not wait for it (exit 9 if it did).
                "arm", "for i in $(seq 50); do [ -f pushed-amd ] && break; sleep 0.1; done; [ -f pushed-amd ] || exit 9; echo built > arm.txt",
                "r/x:1-amd64", pushed("amd", amd),
                "r/x:1-arm64", pushed("arm", arm));
        BuildRunner.Result r = runSplit(scripts, 2);
        assertEquals("sha256:" + "3".repeat(64), r.digest(), "the index digest imagetools reported");
        List<String> manifest = started.get(started.size() - 1);
        assertEquals(List.of("r/x@" + amd, "r/x@" + arm), manifest.subList(manifest.size() - 2, manifest.size()), "digests substituted");
        assertEquals(List.of("linux/amd64", "linux/arm64"), r.builds().stream().map(BuildRunner.StepResult::label).toList());
    }

    @org.junit.jupiter.api.RepeatedTest(20) // the stop races a start: repeat to meet it
    void aFailedPlatformStopsTheOthersAndNoIndexIsPublished() {
        Map<String, String> scripts = Map.of(
                "amd", "sleep 20; echo built > amd.txt",
                "arm", "echo '#5 [runtime 2/2] RUN false' >&2; echo '#5 ERROR: exit code: 1' >&2; exit 1",
                "r/x:1-amd64", pushed("amd", "sha256:" + "1".repeat(64)),
                "r/x:1-arm64", pushed("arm", "sha256:" + "2".repeat(64)));
        long t0 = System.nanoTime();
        NssimgException e = assertThrows(NssimgException.class, () -> runSplit(scripts, 2));
        assertTrue((System.nanoTime() - t0) / 1_000_000_000L < 10, "amd64's build was stopped, not waited for");
        assertEquals("build failed for linux/arm64 at step [runtime 2/2] RUN false: exit code: 1", e.getMessage());
        assertTrue(started.stream().noneMatch(a -> a.contains("imagetools") || a.contains("r/x:1-amd64") || a.contains("r/x:1-arm64")),
                "no push after the failure, no index: " + started);
    }

    @Test
    void publishingTheIndexIsRetriedOnceOnARegistryServerError() throws Exception {
        String index = "sha256:" + "4".repeat(64);
        String script = "n=$(cat mcount 2>/dev/null || echo 0); echo $((n+1)) > mcount; if [ $n -eq 0 ]; then "
                + "echo 'error: received unexpected HTTP status: 503 Service Unavailable' >&2; exit 1; fi; "
                + "echo '#1 0.1 pushing " + index + " to r/x:1' >&2";
        Command manifest = new Manifest(0, null, List.of("r/x:1"), "r/x", List.of());
        ProcessLauncher launcher = (argv, env, cwd) -> imagetools(script, argv);
        BuildRunner.Result r = runner(launcher).run(plan(manifest), 1);
        assertEquals(index, r.digest());
        assertEquals("2", Files.readString(dir.resolve("mcount")).strip());
        assertTrue(err.toString().contains("while publishing the tag"), err.toString());
    }

    @Test
    void aRunnerRunsAgainAfterAFailedRun() {
        // The classic-builder fallback runs the same runner again after the buildx run failed.
        String digest = "sha256:" + "c".repeat(64);
        Map<String, String> scripts = Map.of(
                "bad", "echo '#5 ERROR: exit code: 1' >&2; exit 1",
                "good", "echo '{\"containerimage.digest\": \"" + digest + "\"}' > m.json");
        BuildRunner runner = runner(scripted(scripts));
        assertThrows(NssimgException.class, () -> runner.run(plan(build("linux/amd64", "bad", null, Build.Output.LOAD)), 1));
        assertEquals(digest, runner.run(plan(build("linux/amd64", "good", dir.resolve("m.json"), Build.Output.LOAD)), 1).digest());
    }

    @Test
    void twoBuildsWritingOneMetadataFileTakeTurnsAndEachReadsItsOwnDigest() throws Exception {
        // Two invocations of the same profile, target and platform in one checkout (a daemon serves both).
        String a = "sha256:" + "a".repeat(64);
        String b = "sha256:" + "b".repeat(64);
        Path meta = dir.resolve(".nssimg/metadata-default-runtime-linux-amd64.json");
        Map<String, String> scripts = Map.of(
                // Unguarded, fast's write would land between slow's write and slow's reading of the file.
                "slow", "echo '{\"containerimage.digest\": \"" + a + "\"}' > .nssimg/metadata-default-runtime-linux-amd64.json; sleep 0.6",
                "fast", "sleep 0.2; echo '{\"containerimage.digest\": \"" + b + "\"}' > .nssimg/metadata-default-runtime-linux-amd64.json");
        java.util.concurrent.CompletableFuture<BuildRunner.Result> first = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> runner(scripted(scripts)).run(plan(build("linux/amd64", "slow", meta, Build.Output.LOAD)), 1));
        while (started.isEmpty()) {
            Thread.sleep(10);
        }
        BuildRunner.Result second = runner(scripted(scripts)).run(plan(build("linux/amd64", "fast", meta, Build.Output.LOAD)), 1);
        assertEquals(a, first.get().digest());
        assertEquals(b, second.digest());
        assertTrue(err.toString().contains("another build of this profile, target and platform is running in this checkout"
                + " (it writes " + meta + "); waiting for it"), err.toString());
    }
}
