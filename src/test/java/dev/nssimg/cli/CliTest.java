package dev.nssimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nssimg.testing.SpecCheckout;
import dev.nssimg.testing.TestCli;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Black-box tests through Cli.execute, the same factory Main uses. */
class CliTest {
    @Test
    void helpListsCommandsAndExitCodes() {
        TestCli.Result r = new TestCli().run("--help");
        assertEquals(0, r.exit());
        for (String s : List.of("build", "smoke", "run", "doctor", "inspect", "profiles", "builder", "completion",
                "130", "environment error", "usage or configuration error")) {
            assertTrue(r.out().contains(s), s + " in help: " + r.out());
        }
        assertTrue(new TestCli().run("build", "--help").out().contains("--dry-run"));
    }

    @Test
    void dryRunPlansTheDocumentedCommandAndTouchesNothing() {
        TestCli.Result r = new TestCli().env("SOURCE_DATE_EPOCH", "0").run("build", "--target", "runtime", "--dry-run");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(1, lines.size());
        String l = lines.get(0);
        assertTrue(l.startsWith("docker buildx build --file containers/Dockerfile.cuda --target runtime --platform linux/amd64 "), l);
        assertTrue(l.contains(" --tag nss-gpu:latest "), l);
        assertFalse(l.contains("--build-arg"), "every value is the Dockerfile's own: " + l);
        assertTrue(l.contains("--label org.opencontainers.image.created=1970-01-01T00:00:00Z"), l);
        assertTrue(l.matches(".*--label org\\.opencontainers\\.image\\.revision=[0-9a-f]{40} .*"), "git revision label: " + l);
        assertTrue(l.endsWith(" ."), "context last");
        assertTrue(r.spawned().isEmpty());
        assertEquals(0, r.engineRequests());
    }

    @Test
    void dryRunLinesRunInAShellAsTheSameArgv() throws Exception {
        TestCli.Result text = new TestCli().env("SOURCE_DATE_EPOCH", "0").run("build", "--profile", "arm64", "--dry-run",
                "--build-arg", "EXTRA=a b'c");
        TestCli.Result json = new TestCli().env("SOURCE_DATE_EPOCH", "0").run("build", "--profile", "arm64", "--dry-run", "--json",
                "--build-arg", "EXTRA=a b'c");
        JsonNode argv = new ObjectMapper().readTree(json.out()).path("commands").get(0).path("argv");
        List<String> expected = new ArrayList<>();
        argv.forEach(a -> expected.add(a.asText()));
        assertTrue(expected.contains("CUDA_ARCH_FLAGS=90;90a;120;120a"), "one argv element");
        // Let a real shell split the printed line: printf one word per line.
        Process p = new ProcessBuilder("bash", "-c", "set -- " + text.out().strip() + "; printf '%s\\n' \"$@\"").start();
        List<String> words = new BufferedReader(new InputStreamReader(p.getInputStream())).lines().toList();
        assertEquals(0, p.waitFor());
        assertEquals(expected, words);
    }

    @Test
    void containerGpuImageVariableTagsTheImage() {
        TestCli.Result r = new TestCli().env("CONTAINER_GPU_IMAGE", "foo:1").run("build", "--dry-run");
        assertTrue(r.out().contains(" --tag foo:1 "), r.out());
        TestCli.Result dev = new TestCli().env("CONTAINER_GPU_IMAGE_DEV", "bar:2").run("build", "--target", "dev", "--dry-run");
        assertTrue(dev.out().contains(" --tag bar:2 "), dev.out());
    }

    @Test
    void multiarchPlansAPushOfTheRegistryTagForBothPlatforms() {
        TestCli.Result r = new TestCli().run("build", "--multiarch", "--registry", "ghcr.io/nvidia-nemo", "--dry-run");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("--platform linux/amd64 "));
        assertTrue(r.out().contains("--platform linux/arm64 "));
        assertTrue(r.out().contains("imagetools create --progress plain --tag ghcr.io/nvidia-nemo/nss-gpu:latest "), r.out());
        TestCli.Result single = new TestCli().run("build", "--multiarch", "--strategy", "single", "--registry",
                "ghcr.io/nvidia-nemo", "--dry-run");
        assertTrue(single.out().contains("--platform linux/amd64,linux/arm64 ") && single.out().contains("--tag ghcr.io/nvidia-nemo/nss-gpu:latest --push"));
        assertTrue(single.err().contains("warning: --strategy single shares one set of build args"), single.err());
    }

    @Test
    void profileArgsOnlyReachDockerfilesThatDeclareThem() {
        TestCli.Result r = new TestCli().run("build", "--file", "containers/Dockerfile.test_ci", "--tag", "nss-test:latest", "--dry-run");
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err(), "no warnings: the amd64 defaults set nothing the CI Dockerfile lacks");
        assertTrue(!r.out().contains("--build-arg") && !r.out().contains("--target"), "its only stage, its own defaults: " + r.out());
        TestCli.Result arm = new TestCli().run("build", "--profile", "arm64", "--file", "containers/Dockerfile.test_ci", "--tag",
                "nss-test:latest", "--dry-run");
        assertEquals(0, arm.exit(), arm.err());
        TestCli.Result untagged = new TestCli().run("build", "--file", "containers/Dockerfile.test_ci", "--dry-run");
        assertEquals(0, untagged.exit(), untagged.err());
        assertTrue(untagged.out().contains("--tag nss-test:latest") && !untagged.out().contains("nss-gpu"),
                "the test Dockerfile gets the test image, never the GPU image's tag: " + untagged.out());
        assertTrue(arm.err().contains("build argument CUDA_ARCH_FLAGS is not declared in containers/Dockerfile.test_ci; not passed"),
                arm.err());
        assertFalse(arm.out().contains("CUDA_ARCH_FLAGS"), arm.out());
    }

    @Test
    void undeclaredBuildArgWarnsOnStderr() {
        TestCli.Result r = new TestCli().run("build", "--dry-run", "--build-arg", "EXTRA=1");
        assertEquals(0, r.exit());
        assertTrue(r.err().contains("warning: flag --build-arg: build argument EXTRA is not declared"), r.err());
    }

    @Test
    void profilesListAndShowWithOrigins() {
        TestCli.Result list = new TestCli().run("profiles");
        assertEquals(0, list.exit());
        assertTrue(list.out().contains("arm64-devel") && list.out().contains("(extends arm64)"));
        TestCli.Result show = new TestCli().env("CONTAINER_GPU_IMAGE", "mine:1").run("profiles", "show", "arm64-devel");
        assertEquals(0, show.exit(), show.err());
        assertTrue(show.out().matches("(?s).*args\\.CUDA_IMAGE_TYPE\\s+devel\\s+containers/profiles.yaml:\\d+ \\(profile arm64-devel\\).*"), show.out());
        assertTrue(show.out().matches("(?s).*args\\.CUDA_ARCH_FLAGS\\s+90;90a;120;120a\\s+containers/profiles.yaml:\\d+ \\(profile arm64\\).*"), show.out());
        assertTrue(show.out().matches("(?s).*\\n  context\\s+\\.\\s+.*"), show.out());
        assertTrue(show.out().matches("(?s).*image\\s+mine:1\\s+env CONTAINER_GPU_IMAGE.*"), show.out());
        assertTrue(show.out().matches("(?s).*platform\\s+linux/arm64\\s+containers/profiles.yaml:\\d+ \\(profile arm64\\).*"), show.out());
    }

    @Test
    void completionPrintsABashScript() {
        TestCli.Result r = new TestCli().run("completion");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("complete -F") && r.out().contains("--dry-run"));
    }

    @Test
    void stackTraceOnlyWhenAskedFor() {
        TestCli.Result quiet = new TestCli().run("build", "--dry-run", "--platform", "linux/s390x");
        assertEquals(1, quiet.err().strip().lines().count());
        TestCli.Result loud = new TestCli().run("build", "--dry-run", "--platform", "linux/s390x", "--stacktrace");
        assertEquals(2, loud.exit());
        assertTrue(loud.err().contains("\tat dev.nssimg."), loud.err());
    }

    @Test
    void everyCommandTakesTheDiagnosticsOptionsAndOnlyAsItsOwn() {
        // The README promises --stacktrace and -v/--verbose on every command.
        TestCli.Result inspect = new TestCli().run("inspect", "not a ref", "--stacktrace");
        assertEquals(2, inspect.exit(), inspect.err());
        assertTrue(inspect.err().contains("\tat dev.nssimg."), inspect.err());
        for (String[] args : List.of(new String[] {"completion", "-v"}, new String[] {"profiles", "--stacktrace"},
                new String[] {"doctor", "--help", "--stacktrace"})) {
            TestCli.Result r = new TestCli().run(args);
            assertEquals(0, r.exit(), String.join(" ", args) + ": " + r.err());
        }
        // After "--", -v belongs to the container's command: no stack trace for nssimg's own error.
        TestCli.Result run = new TestCli().run("run", "--gpus", "bogus", "--", "-v");
        assertEquals(2, run.exit(), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
    }

    @Test
    void worksFromASubdirectoryOfTheProject() {
        TestCli.Result r = new TestCli().cwd(SpecCheckout.DIR.resolve("src")).run("build", "--dry-run");
        assertEquals(0, r.exit(), r.err());
        String root = SpecCheckout.DIR.toString();
        assertTrue(r.out().contains("--file " + root + "/containers/Dockerfile.cuda") && r.out().strip().endsWith(" " + root),
                "paths outside the working directory are absolute: " + r.out());
    }

    @Test
    void builderCreatePlansOneCreateAndAnAppendPerNode() {
        TestCli.Result r = new TestCli().run("builder", "create", "nss-multinode", "--dry-run", "--bootstrap");
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of(
                "docker buildx create --name nss-multinode --driver docker-container --node nss-amd64 --platform linux/amd64"
                        + " ssh://build@amd64-builder.example.internal",
                "docker buildx create --append --name nss-multinode --node nss-arm64 --platform linux/arm64"
                        + " ssh://build@arm64-builder.example.internal",
                "docker buildx inspect --bootstrap nss-multinode"), r.out().lines().toList());
        TestCli.Result viaProfile = new TestCli().run("builder", "create", "--profile", "multinode", "--dry-run");
        assertEquals(2, viaProfile.out().lines().count(), viaProfile.err());
        TestCli.Result unknown = new TestCli().run("builder", "create", "nope", "--dry-run");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("builder 'nope' is not described in containers/profiles.yaml (described: nss-multinode)"));
    }

    @Test
    void multinodeProfilePushesByDigestOnItsBuilder() {
        TestCli.Result r = new TestCli().run("build", "--profile", "multinode", "--multiarch", "--registry", "ghcr.io/x", "--dry-run");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r.out());
        assertTrue(lines.get(0).startsWith("docker buildx build --builder nss-multinode ") && lines.get(0).contains("push-by-digest=true"));
        assertTrue(lines.get(2).startsWith("docker buildx imagetools create --progress plain --builder nss-multinode --tag ghcr.io/x/nss-gpu:latest"));
    }

    @Test
    void planningPathsNeverLoadDockerJavaOrLogging() throws Exception {
        for (List<String> args : List.of(List.of("--help"), List.of("--version"), List.of("build", "--dry-run"),
                List.of("build", "--multiarch", "--registry", "r.example", "--dry-run", "--json"), List.of("profiles"))) {
            List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java", "-Xshare:off",
                    "-Xlog:class+load=info", "-cp", System.getProperty("java.class.path"), "dev.nssimg.Main"));
            cmd.addAll(args);
            Process p = new ProcessBuilder(cmd).directory(SpecCheckout.DIR.toFile()).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), log.lines().filter(l -> !l.contains("class,load")).toList().toString());
            assertTrue(log.contains("dev.nssimg.Main"), "class loading was logged");
            for (String pkg : List.of("com.github.dockerjava", "ch.qos.logback", "org.slf4j")) {
                assertTrue(log.lines().noneMatch(l -> l.contains("class,load") && l.contains(" " + pkg)), args + " loaded " + pkg);
            }
        }
    }
}
