package dev.nssimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Faults and signals on the real test bed: the engine or the registry going
 * away mid-operation, Ctrl-C during a build, a smoke and a run. Each ends with
 * the documented exit code and one line, and leaves no container or child.
 */
class FaultIT {
    @AfterEach
    void testBedBackUp() {
        Bed.Run up = Bed.exec(List.of(Bed.ROOT.resolve("scripts/testbed").toString(), "up"), Bed.ROOT, Map.of(), 300);
        assertEquals(0, up.exit(), up.err());
    }

    /** A build context whose step runs long enough to be interrupted; a nonce defeats the cache. */
    static Path slowContext(String step) throws IOException {
        Path dir = Files.createTempDirectory("nssimg-slow");
        Files.writeString(dir.resolve("Dockerfile"), "FROM nssimg-example-base:amd64 AS runtime\n"
                + "RUN echo nonce " + UUID.randomUUID() + "\n" + step + "\n");
        return dir;
    }

    static String lastLine(String s) {
        return s.strip().lines().reduce((a, b) -> b).orElse("");
    }

    /** Processes whose command line carries marker: found by argv, so a daemon's children count too. */
    static List<ProcessHandle> processesWith(String marker) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(marker)).orElse(false))
                .toList();
    }

    /** Ctrl-C reaches bin/nssimg: in its own JVM, or in the client that forwards it to the daemon. */
    @ParameterizedTest(name = "NSSIMG_DAEMON={0}")
    @ValueSource(strings = {"1", "0"})
    void sigintDuringABuildStopsBuildxAndExits130(String daemon) throws Exception {
        Path ctx = slowContext("RUN sleep 60");
        String tag = "nssimg-it/sigint:" + Bed.RUN_ID + "-" + daemon;
        try (Live nssimg = Live.start(Bed.ROOT, Map.of("NSSIMG_DAEMON", daemon), "build", "--file",
                ctx.resolve("Dockerfile").toString(), "--context", ctx.toString(), "--tag", tag)) {
            assertTrue(nssimg.await(s -> s.contains("RUN sleep 60"), 60), nssimg.err());
            List<ProcessHandle> buildx = processesWith(tag);
            assertFalse(buildx.isEmpty(), "buildx runs");
            if (daemon.equals("0")) {
                assertTrue(nssimg.process.descendants().anyMatch(buildx::contains), "buildx is a child of nssimg");
            }
            long t0 = System.nanoTime();
            nssimg.signal("INT");
            assertEquals(130, nssimg.waitFor(30), nssimg.err());
            assertTrue((System.nanoTime() - t0) / 1_000_000_000L < 15, "stopped promptly");
            for (ProcessHandle p : buildx) {
                assertTrue(Live.awaitEnd(p, 10), "buildx was stopped: " + p.info());
            }
            assertEquals(List.of(), processesWith(tag), "nothing of that build still runs");
        }
    }

    @Test
    void sigintDuringASmokeRemovesTheContainer() throws Exception {
        String base = Bed.example("runtime");
        String hang = Bed.fixture("hang", "FROM " + base + "\nUSER root\n"
                + "RUN printf '#!/bin/sh\\nexec sleep 300\\n' > /opt/venv/bin/safe-synthesizer\nUSER 1000:1000\n");
        try (Live nssimg = Live.start(Bed.ROOT, Map.of(), "smoke", "--image", hang, "--timeout", "120")) {
            String id = runningContainer();
            // While it runs: the smoke container is locked down.
            assertEquals("true", Bed.docker("inspect", "--format", "{{index .Config.Labels \"nssimg.smoke\"}}", id).out().strip());
            Bed.Run inspect = Bed.docker("inspect", "--format",
                    "{{.HostConfig.NetworkMode}}|{{.HostConfig.CapDrop}}|{{.HostConfig.SecurityOpt}}", id);
            assertEquals("none|[ALL]|[no-new-privileges:true]", inspect.out().strip());
            nssimg.signal("INT");
            assertEquals(130, nssimg.waitFor(30), nssimg.err());
            assertEquals(List.of(), Bed.leftovers(), "the smoke container was removed");
        }
    }

    @Test
    void sigintDuringARunRemovesTheContainer() throws Exception {
        Bed.example("runtime");
        try (Live nssimg = Live.start(Bed.ROOT, Map.of(), "run", "--profile", "example", "--gpus", "none",
                "--hf-cache", "/tmp/nssimg-it-hf", "--", "sleep", "300")) {
            runningContainer();
            nssimg.signal("INT");
            assertEquals(130, nssimg.waitFor(30), nssimg.err());
            assertEquals(List.of(), Bed.leftovers(), "the run container was removed");
        }
    }

    /**
     * A script's background command starts with SIGINT ignored, and a JVM cannot take back a signal it started
     * ignoring: nssimg (launcher and client) hands the JVM SIGINT as it should be, whatever it inherited.
     */
    @ParameterizedTest(name = "NSSIMG_DAEMON={0}")
    @ValueSource(strings = {"1", "0"})
    void sigintEndsARunStartedWithSigintIgnored(String daemon) throws Exception {
        Bed.example("runtime");
        Path script = Files.createTempFile("nssimg-bg", ".sh");
        // bash ignores SIGINT in a non-interactive shell's background job; exec keeps that for nssimg.
        Files.writeString(script, "(exec \"$@\") & echo $! ; wait\n");
        List<String> argv = List.of("bash", script.toString(), Bed.ROOT.resolve("bin/nssimg").toString(), "run", "--profile",
                "example", "--gpus", "none", "--hf-cache", "/tmp/nssimg-it-hf", "--", "sleep", "300");
        Process wrapper = Bed.process(argv, Bed.ROOT, Map.of("NSSIMG_DAEMON", daemon)).start();
        try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(wrapper.getInputStream()))) {
            long pid = Long.parseLong(r.readLine().strip());
            runningContainer();
            ProcessHandle nssimg = ProcessHandle.of(pid).orElseThrow();
            assertTrue(Files.readString(Path.of("/proc/" + pid + "/status")).lines().anyMatch(l -> l.startsWith("SigCgt:")
                    && (Long.parseLong(l.substring(7).strip(), 16) & 2) != 0), "the JVM handles SIGINT");
            Bed.exec(List.of("kill", "-INT", Long.toString(pid)), Bed.ROOT, Map.of(), 10);
            assertTrue(Live.awaitEnd(nssimg, 30), "nssimg ended on SIGINT");
            assertTrue(wrapper.waitFor(10, TimeUnit.SECONDS));
            assertEquals(List.of(), Bed.leftovers(), "the run container was removed");
        } finally {
            wrapper.descendants().forEach(ProcessHandle::destroyForcibly);
            wrapper.destroyForcibly();
        }
    }

    /** Ctrl-C while the engine answers slowly: the removal is retried through the slowness, within the bound. */
    @Test
    void sigintDuringARunOnASlowEngineStillRemovesTheContainer() throws Exception {
        try (SlowEngine slow = new SlowEngine(); Live nssimg = runThrough(slow)) {
            runningContainer();
            slow.delay(1500);
            long t0 = System.nanoTime();
            nssimg.signal("INT");
            assertEquals(130, nssimg.waitFor(40), nssimg.err());
            long s = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
            assertTrue(s <= 25, "ended within its bound: " + s + " s");
            assertEquals(List.of(), Bed.leftovers(), "the run container was removed: " + nssimg.err());
        }
    }

    /** Ctrl-C while the engine does not answer at all: nssimg ends within its bound and names what it left. */
    @Test
    void sigintDuringARunOnADeafEngineEndsInTimeAndNamesTheContainer() throws Exception {
        try (SlowEngine slow = new SlowEngine(); Live nssimg = runThrough(slow)) {
            String id = runningContainer();
            slow.pause();
            long t0 = System.nanoTime();
            nssimg.signal("INT");
            assertEquals(130, nssimg.waitFor(40), nssimg.err());
            long s = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
            assertTrue(s <= 25, "ended within its bound: " + s + " s");
            String shortId = id.substring(0, 12);
            assertTrue(lastLine(nssimg.err()).equals("nssimg: cleanup not done after 15 s: container " + shortId
                    + " may be left; remove it with: docker --host " + slow.host() + " rm -f " + shortId), nssimg.err());
            assertFalse(nssimg.err().contains("\tat "), "no stack trace");
            slow.resume();
            assertEquals(List.of(id), Bed.leftovers(), "the container it named is the one left");
            assertEquals(0, Bed.docker("rm", "-f", id).exit());
        }
    }

    /** A second Ctrl-C while the teardown waits on a deaf engine ends nssimg at once, naming what it left. */
    @Test
    void aSecondSigintEndsTheTeardownAtOnce() throws Exception {
        try (SlowEngine slow = new SlowEngine(); Live nssimg = runThrough(slow)) {
            String id = runningContainer();
            slow.pause();
            // However the two signals meet the teardown (before it begins, or while it waits on the deaf
            // engine), the second ends nssimg at once and names the container.
            nssimg.signal("INT");
            long t0 = System.nanoTime();
            nssimg.signal("INT");
            assertEquals(130, nssimg.waitFor(20), nssimg.err());
            assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0) < 5, "ended at once");
            assertTrue(nssimg.err().contains("nssimg: cleanup interrupted again: container " + id.substring(0, 12) + " may be left"),
                    nssimg.err());
            slow.resume();
            assertEquals(0, Bed.docker("rm", "-f", id).exit());
        }
    }

    @Test
    void threeParallelSmokesOfOneImagePass() throws Exception {
        Bed.example("runtime");
        List<CompletableFuture<Bed.Run>> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            runs.add(CompletableFuture.supplyAsync(() -> Bed.nssimg("smoke", "--profile", "example")));
        }
        for (CompletableFuture<Bed.Run> r : runs) {
            Bed.Run run = r.join();
            assertEquals(0, run.exit(), run.out() + run.err());
            assertTrue(run.out().contains("8 passed, 0 failed"));
        }
    }

    @Test
    void theEngineStoppingMidBuildIsExit3WithOneLine() throws Exception {
        Path ctx = slowContext("RUN sleep 60");
        try (Live nssimg = Live.start(Bed.ROOT, Map.of(), "build", "--file", ctx.resolve("Dockerfile").toString(),
                "--context", ctx.toString(), "--tag", "nssimg-it/engine-stop:" + Bed.RUN_ID)) {
            assertTrue(nssimg.await(s -> s.contains("RUN sleep 60"), 60), nssimg.err());
            Bed.Run stop = Bed.exec(List.of(Bed.ROOT.resolve("scripts/testbed").toString(), "stop", "engine"), Bed.ROOT, Map.of(), 60);
            assertEquals(0, stop.exit(), stop.err());
            int exit = nssimg.waitFor(60);
            String last = lastLine(nssimg.err());
            assertEquals(3, exit, nssimg.err());
            assertTrue(last.startsWith("nssimg: error: build failed"), last);
            assertFalse(nssimg.err().contains("\tat "), "no stack trace");
        }
    }

    @Test
    void theRegistryStoppingMidPushIsExit3AndNoTag() throws Exception {
        // ~64 MiB of random data: exporting and pushing it takes long enough to pull the registry away.
        Path ctx = slowContext("RUN head -c 67108864 /dev/urandom > /blob");
        String repo = "nssimg-it/registry-stop-" + Bed.RUN_ID;
        try (Live nssimg = Live.start(Bed.ROOT, Map.of(), "build", "--file", ctx.resolve("Dockerfile").toString(),
                "--context", ctx.toString(), "--registry", Bed.REGISTRY, "--push", "--tag", repo + ":latest")) {
            assertTrue(nssimg.await(s -> s.contains("exporting layers"), 120), nssimg.err());
            Bed.Run stop = Bed.exec(List.of(Bed.ROOT.resolve("scripts/testbed").toString(), "stop", "registry"), Bed.ROOT, Map.of(), 60);
            assertEquals(0, stop.exit(), stop.err());
            int exit = nssimg.waitFor(120);
            String last = lastLine(nssimg.err());
            assertEquals(3, exit, nssimg.err());
            assertTrue(last.startsWith("nssimg: error: build failed") && last.contains("connection refused"), last);
        }
        Bed.Run up = Bed.exec(List.of(Bed.ROOT.resolve("scripts/testbed").toString(), "up"), Bed.ROOT, Map.of(), 300);
        assertEquals(0, up.exit(), up.err());
        HttpURLConnection c = (HttpURLConnection) URI.create("http://" + Bed.REGISTRY + "/v2/" + repo + "/tags/list").toURL().openConnection();
        int code = c.getResponseCode();
        String body = code == 200 ? new String(c.getInputStream().readAllBytes()) : "";
        assertTrue(code == 404 || !body.contains("\"latest\""), "no tag was published: " + code + " " + body);
    }

    /** `nssimg run` of the example's runtime image (sleeping), talking to the engine through relay. */
    private static Live runThrough(SlowEngine relay) throws IOException {
        Bed.example("runtime");
        return Live.start(Bed.ROOT, Map.of("DOCKER_HOST", relay.host()), "run", "--profile", "example", "--gpus", "none",
                "--hf-cache", "/tmp/nssimg-it-hf", "--", "sleep", "300");
    }

    /** The id of this test's container once it runs (bounded): created by nssimg, started by the engine. */
    static String runningContainer() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            for (String id : Bed.leftovers()) {
                if (Bed.docker("inspect", "--format", "{{.State.Running}}", id).out().strip().equals("true")) {
                    return id;
                }
            }
            Thread.sleep(50); // polling the engine: a bounded wait for a condition
        }
        throw new AssertionError("no running container of session " + Bed.session() + " within 60 s");
    }
}
