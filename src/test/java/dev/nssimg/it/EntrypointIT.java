package dev.nssimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.model.RunResult;
import dev.nssimg.model.RunSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * containers/entrypoint.sh inside the example image on the real engine: one
 * container per scenario, each condition set up for real.
 */
class EntrypointIT {
    static String image;
    static final String HINT = "nss-entrypoint: hint:";

    @BeforeAll
    static void build() {
        image = Bed.example("runtime");
    }

    @AfterAll
    static void nothingLeft() {
        assertEquals(List.of(), Bed.engine().containersWithLabel("nssimg.it"));
    }

    static RunResult run(List<String> args, List<String> env, List<RunSpec.Mount> mounts, long shmBytes) {
        return Bed.engine().run(new RunSpec(image, null, null, args, env, mounts, null, true, false, shmBytes, null,
                Map.of("nssimg.it", "entrypoint"), Duration.ofSeconds(60), false, null, null, null));
    }

    static RunResult bare(String... args) {
        return run(List.of(args), List.of(), List.of(), 0);
    }

    static long hints(RunResult r) {
        return r.stderr().lines().filter(l -> l.startsWith(HINT)).count();
    }

    @Test
    void helpRunsNoChecksAndPrintsUsage() {
        RunResult r = bare("--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.stdout().startsWith("usage: safe-synthesizer"), r.stdout());
        assertEquals("", r.stderr(), "no hints for --help");
        for (String[] offline : new String[][] {{"-h"}, {"--version"}, {"config", "validate", "x.yaml"}, {"run", "--help"}}) {
            RunResult o = bare(offline);
            assertEquals(0, hints(o), String.join(" ", offline) + ": " + o.stderr());
        }
    }

    @Test
    void theDocumentedDockerRunCommandsBehave() {
        Bed.Run help = Bed.docker("run", "--rm", image, "--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().startsWith("usage: safe-synthesizer"), help.out());
        assertEquals("", help.err(), "no hints for --help");
        Bed.Run bare = Bed.docker("run", "--rm", image, "exit", "0");
        assertEquals(0, bare.exit());
        assertEquals(5, bare.err().lines().filter(l -> l.startsWith(HINT)).count(), bare.err());
        assertEquals("", bare.out());
    }

    @Test
    void bareRunPrintsEveryHintOnStderrOnly() {
        RunResult r = bare("exit", "0");
        assertEquals(0, r.exitCode());
        assertEquals("", r.stdout(), "stdout stays clean");
        String e = r.stderr();
        assertTrue(e.contains(HINT + " /workspace is empty"), e);
        assertTrue(e.contains(HINT + " HF_HOME is not set"), e);
        assertTrue(e.contains(HINT + " HF_TOKEN is not set and there is no cached token"), e);
        assertTrue(e.contains(HINT + " nvidia-smi not found; did you forget --gpus all"), e);
        assertTrue(e.contains("/dev/shm is 64 MB, below 256 MB") && e.contains("--shm-size=1g"), "docker's default shm is 64 MB: " + e);
    }

    @Test
    void smallShmIsReportedAndALargeOneIsNot() {
        assertTrue(run(List.of("exit", "0"), List.of(), List.of(), 64L << 20).stderr().contains("/dev/shm is 64 MB"));
        assertFalse(run(List.of("exit", "0"), List.of(), List.of(), 1L << 30).stderr().contains("/dev/shm"));
    }

    @Test
    void hfHomeMissingOrUnwritable(@TempDir Path dir) throws IOException {
        RunResult missing = run(List.of("exit", "0"), List.of("HF_HOME=/nope"), List.of(), 0);
        assertTrue(missing.stderr().contains("HF_HOME=/nope does not exist"), missing.stderr());
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path ro = Files.createDirectory(dir.resolve("hf"));
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x")); // root-owned: uid 1000 cannot write
        RunResult unwritable = run(List.of("exit", "0"), List.of("HF_HOME=/hf"),
                List.of(new RunSpec.Mount(ro.toString(), "/hf", false)), 0);
        assertTrue(unwritable.stderr().contains("HF_HOME=/hf is not writable by uid 1000"), unwritable.stderr());
    }

    @Test
    void anUnreadableWorkspaceIsNotCalledEmpty(@TempDir Path dir) throws IOException {
        Path ws = Files.createDirectory(dir.resolve("private"));
        Files.writeString(ws.resolve("data.csv"), "a\n");
        Files.setPosixFilePermissions(ws, PosixFilePermissions.fromString("rwx------"));
        RunResult r = run(List.of("exit", "0"), List.of(), List.of(new RunSpec.Mount(ws.toString(), "/workspace", false)), 0);
        assertTrue(r.stderr().contains("/workspace is not readable by uid 1000"), r.stderr());
        assertFalse(r.stderr().contains("is empty"), r.stderr());
    }

    @Test
    void aWellConfiguredRunOnlyMissesTheGpu(@TempDir Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path ws = Files.createDirectory(dir.resolve("ws"));
        Files.setPosixFilePermissions(ws, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(ws.resolve("data.csv"), "a,b\n");
        Path hf = Files.createDirectory(dir.resolve("hf"));
        Files.setPosixFilePermissions(hf, PosixFilePermissions.fromString("rwxrwxrwx"));
        RunResult r = run(List.of("exit", "0"), List.of("HF_HOME=/hf", "HF_TOKEN=dummy-not-a-secret"),
                List.of(new RunSpec.Mount(ws.toString(), "/workspace", false), new RunSpec.Mount(hf.toString(), "/hf", false)),
                1L << 30);
        assertEquals(List.of(HINT + " nvidia-smi not found; did you forget --gpus all ?"), r.stderr().lines().toList());
    }

    @Test
    void cachedTokenFileCountsAsAToken(@TempDir Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path hf = Files.createDirectory(dir.resolve("hf"));
        Files.writeString(hf.resolve("token"), "x");
        Files.setPosixFilePermissions(hf, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(hf.resolve("token"), PosixFilePermissions.fromString("rw-r--r--"));
        RunResult r = run(List.of("exit", "0"), List.of("HF_HOME=/hf"), List.of(new RunSpec.Mount(hf.toString(), "/hf", false)), 0);
        assertFalse(r.stderr().contains("HF_TOKEN"), r.stderr());
    }

    @Test
    void exitCodesPassThroughAndChecksCanBeTurnedOff() {
        assertEquals(42, bare("exit", "42").exitCode());
        RunResult unknown = bare("frobnicate");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.stderr().contains("unknown command: frobnicate"));
        RunResult off = run(List.of("exit", "0"), List.of("NSS_ENTRYPOINT_CHECKS=0"), List.of(), 0);
        assertEquals(0, hints(off), off.stderr());
    }

    @Test
    void signalsReachTheProgram() {
        // tini forwards SIGTERM to the exec'd program: the stop takes far less than docker's 10 s grace period.
        Bed.Run started = Bed.docker("run", "-d", "--label", "nssimg.it=entrypoint", image, "sleep", "60");
        assertEquals(0, started.exit(), started.err());
        String id = started.out().trim();
        long t0 = System.nanoTime();
        Bed.docker("stop", "-t", "10", id);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        Bed.docker("rm", "-f", id);
        assertTrue(ms < 5000, "stop took " + ms + " ms");
    }

    @Test
    void buildkitsOwnParserAcceptsTheDockerfiles() {
        for (String[] df : new String[][] {{"containers/Dockerfile.cuda", "."}, {"examples/offline/standins/Dockerfile", "examples/offline/standins"}}) {
            Bed.Run r = Bed.exec(List.of("docker", "buildx", "build", "--print=targets", "-f", df[0], df[1]), Bed.ROOT,
                    Map.of("BUILDX_EXPERIMENTAL", "1"), 120);
            assertEquals(0, r.exit(), r.err());
            List<String> names = r.out().lines().skip(1).map(l -> l.split("\\s+")[0]).toList();
            assertEquals(df[0].startsWith("containers") ? List.of("uv", "deps", "project", "dev-deps", "runtime", "dev")
                    : List.of("cuda", "uv-file", "uv"), names, df[0] + ": " + r.out());
        }
    }
}
