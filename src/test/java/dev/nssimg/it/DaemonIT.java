package dev.nssimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon and its native client, for real: the same answers as a JVM of
 * its own, each client's directory and environment kept apart, signals and
 * vanished clients stopping their own build, and the daemon's life cycle
 * (rebuilt jar, idle limit, unsafe directory, killed daemon).
 */
class DaemonIT {
    static final Path CLIENT = Bed.ROOT.resolve("target/nssimg-client");
    private final List<Path> runtimes = new ArrayList<>();

    @AfterEach
    void stopOwnDaemonsAndCheckContainers() {
        runtimes.forEach(Bed::stopDaemons);
        assertEquals(List.of(), Bed.leftovers(), "labelled containers left behind");
    }

    /** A runtime directory of this test's own, so its daemons are only its own. */
    private Path runtime(Path tmp, String name) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve(name));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        runtimes.add(dir);
        return dir;
    }

    static Bed.Run nssimg(Path dir, Map<String, String> env, String... args) {
        Map<String, String> e = new HashMap<>(env);
        e.putIfAbsent("SOURCE_DATE_EPOCH", "0");
        return Bed.nssimg(dir, e, args);
    }

    static List<Long> daemonPids(Path runtime) throws IOException {
        List<Long> pids = new ArrayList<>();
        Path dir = runtime.resolve("nssimg");
        if (Files.isDirectory(dir)) {
            try (var files = Files.newDirectoryStream(dir, "*.sock.pid")) {
                for (Path f : files) {
                    long pid = Long.parseLong(Files.readString(f).strip());
                    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                        pids.add(pid);
                    }
                }
            }
        }
        return pids;
    }

    /** bin/nssimg building a context whose step sleeps a minute, once that step runs. */
    static Live slowBuild(Map<String, String> env, String tag) throws Exception {
        Path ctx = FaultIT.slowContext("RUN sleep 60");
        Live nssimg = Live.start(Bed.ROOT, env, "build", "--file", ctx.resolve("Dockerfile").toString(),
                "--context", ctx.toString(), "--tag", tag);
        assertTrue(nssimg.await(s -> s.contains("RUN sleep 60"), 60), nssimg.err());
        assertTrue(awaitSomeWith(tag, 30), "buildx of " + tag + " runs");
        return nssimg;
    }

    /** Waits until some process carries marker; true if one does. */
    static boolean awaitSomeWith(String marker, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (FaultIT.processesWith(marker).isEmpty() && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        return !FaultIT.processesWith(marker).isEmpty();
    }

    /** Waits until no process carries marker any more; true if none is left. */
    static boolean awaitNoneWith(String marker, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!FaultIT.processesWith(marker).isEmpty() && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        return FaultIT.processesWith(marker).isEmpty();
    }

    @Test
    void answersExactlyAsAJvmOfItsOwnFromAnyDirectory(@TempDir Path tmp) throws Exception {
        Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
        List<Path> dirs = List.of(Bed.ROOT, Bed.ROOT.resolve("examples/offline"), elsewhere);
        List<List<String>> invocations = List.of(
                List.of("build", "--profile", "example", "--dry-run", "--json"),
                List.of("build", "--profile", "example", "--multiarch", "--registry", "r.example:5000", "--dry-run"),
                List.of("build", "--profile", "example", "--dry-run", "--target", "dev", "--build-arg", "UV_VERSION=0.9.99"),
                // nssimg's own tree has no pyproject.toml: the default profile's build is refused the same way by both.
                List.of("build", "--dry-run"),
                List.of("profiles", "show", "example-ci"),
                List.of("profiles"),
                List.of("--help"),
                List.of("--version"),
                List.of("build", "--profile", "nope", "--dry-run"),
                List.of("build", "--dry-run", "--build-arg", "HF_TOKEN=abc"),
                List.of("build", "--config", "missing.yaml", "--dry-run"),
                List.of("smoke", "--timeout", "soon"),
                List.of("--bogus"));
        Map<String, String> env = Map.of("CONTAINER_GPU_IMAGE", "team/nss:candidate");
        int compared = 0;
        for (Path dir : dirs) {
            for (List<String> args : invocations) {
                String[] a = args.toArray(new String[0]);
                Bed.Run viaDaemon = nssimg(dir, env, a);
                Map<String, String> direct = new HashMap<>(env);
                direct.put("NSSIMG_DAEMON", "0");
                Bed.Run own = nssimg(dir, direct, a);
                String what = dir + ": nssimg " + String.join(" ", args);
                assertEquals(own.exit(), viaDaemon.exit(), what + "\n" + viaDaemon.err());
                assertEquals(own.out(), viaDaemon.out(), what);
                assertEquals(own.err(), viaDaemon.err(), what);
                compared++;
            }
        }
        assertEquals(39, compared);
        assertFalse(daemonPids(Bed.RUNTIME).isEmpty(), "a daemon answered");
    }

    @Test
    void concurrentClientsKeepTheirOwnDirectoryAndEnvironment() throws Exception {
        List<CompletableFuture<Bed.Run>> runs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Path dir = i % 2 == 0 ? Bed.ROOT : Bed.ROOT.resolve("examples");
            String image = "team/nss-" + i + ":t";
            runs.add(CompletableFuture.supplyAsync(() -> nssimg(dir, Map.of("CONTAINER_GPU_IMAGE", image),
                    "build", "--profile", "example", "--dry-run")));
        }
        for (int i = 0; i < runs.size(); i++) {
            Bed.Run r = runs.get(i).get(120, TimeUnit.SECONDS);
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("--tag team/nss-" + i + ":t "), r.out());
            String file = i % 2 == 0 ? "--file containers/Dockerfile.cuda" : "--file " + Bed.ROOT.resolve("containers/Dockerfile.cuda");
            assertTrue(r.out().contains(file), "paths relative to the client's directory: " + r.out());
        }
    }

    @Test
    void sigkilledClientStopsItsBuildAndNothingElse(@TempDir Path tmp) throws Exception {
        String tag = "nssimg-it/vanish:" + Bed.RUN_ID;
        try (Live nssimg = slowBuild(Map.of(), tag)) {
            List<ProcessHandle> buildx = FaultIT.processesWith(tag);
            assertFalse(buildx.isEmpty(), "buildx runs");
            assertTrue(nssimg.process.descendants().noneMatch(buildx::contains), "buildx is the daemon's child");
            List<Long> before = daemonPids(Bed.RUNTIME);
            nssimg.signal("KILL");
            nssimg.process.waitFor(10, TimeUnit.SECONDS);
            assertTrue(awaitNoneWith(tag, 15), "the vanished client's build was stopped");
            assertEquals(before, daemonPids(Bed.RUNTIME), "the daemon itself lives on");
        } finally {
            FaultIT.processesWith(tag).forEach(ProcessHandle::destroy); // only when the assertion above failed
        }
        Bed.Run after = nssimg(Bed.ROOT, Map.of(), "--version");
        assertEquals(0, after.exit(), after.err());
    }

    @Test
    void aRebuiltJarGetsAFreshDaemonAndTheOldOneLeaves(@TempDir Path tmp) throws Exception {
        Path runtime = runtime(tmp, "run");
        Path jar = tmp.resolve("nssimg.jar");
        Files.copy(Bed.ROOT.resolve("target/nssimg.jar"), jar);
        Map<String, String> env = Map.of("XDG_RUNTIME_DIR", runtime.toString());
        List<String> version = List.of(CLIENT.toString(), jar.toString(), "0", "--version");
        Bed.Run first = Bed.exec(version, Bed.ROOT, env, 60);
        assertEquals(0, first.exit(), first.err());
        List<Long> old = daemonPids(runtime);
        assertEquals(1, old.size(), "one daemon for the jar");

        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() - 60_000)); // "rebuilt"
        Bed.Run second = Bed.exec(version, Bed.ROOT, env, 60);
        assertEquals(0, second.exit(), second.err());
        assertEquals(first.out(), second.out());
        assertTrue(awaitGone(old.get(0), 15), "the daemon of the old jar left");
        List<Long> now = daemonPids(runtime);
        assertEquals(1, now.size(), "one daemon for the new jar: " + now);
        assertFalse(now.contains(old.get(0)));
    }

    @Test
    void anIdleDaemonEndsAndTidiesUp(@TempDir Path tmp) throws Exception {
        Path runtime = runtime(tmp, "run");
        Map<String, String> env = Map.of("XDG_RUNTIME_DIR", runtime.toString(), "NSSIMG_DAEMON_IDLE", "1");
        Bed.Run status = nssimg(Bed.ROOT, env, "daemon");
        assertEquals("no nssimg daemon running (" + runtime.resolve("nssimg") + ")\n", status.out());
        assertEquals(List.of(), daemonPids(runtime), "`daemon status` starts no daemon");

        Bed.Run r = nssimg(Bed.ROOT, env, "--version");
        assertEquals(0, r.exit(), r.err());
        List<Long> pids = daemonPids(runtime);
        assertEquals(1, pids.size());
        Bed.Run listed = nssimg(Bed.ROOT, env, "daemon", "status");
        assertTrue(listed.out().startsWith("daemon " + pids.get(0) + " "), listed.out());
        assertTrue(awaitGone(pids.get(0), 20), "idle for 1 s: the daemon ends");
        try (var left = Files.newDirectoryStream(runtime.resolve("nssimg"), "*.sock*")) {
            assertFalse(left.iterator().hasNext(), "socket and pid file removed");
        }
    }

    @Test
    void aDirectoryOthersCanEnterIsNotUsed(@TempDir Path tmp) throws Exception {
        Path runtime = runtime(tmp, "run");
        Path shared = Files.createDirectory(runtime.resolve("nssimg"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        Bed.Run r = nssimg(Bed.ROOT, Map.of("XDG_RUNTIME_DIR", runtime.toString()), "--version");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("nssimg "), "the command still runs, in a JVM of its own");
        assertEquals("nssimg: not using the daemon: " + shared + " is not a directory private to this user\n", r.err());
        try (var files = Files.list(shared)) {
            assertEquals(List.of(), files.toList(), "no socket in a directory others can enter");
        }
        Bed.Run doctor = nssimg(Bed.ROOT, Map.of("XDG_RUNTIME_DIR", runtime.toString()), "doctor");
        assertTrue(doctor.out().lines().anyMatch(l -> l.startsWith("nssimg-daemon") && l.contains(" warn ")
                && l.contains(shared + " is not private to this user")), doctor.out());
    }

    @Test
    void aDaemonKilledMidBuildEndsTheClientWithExit3(@TempDir Path tmp) throws Exception {
        Path runtime = runtime(tmp, "run");
        String tag = "nssimg-it/killed-daemon:" + Bed.RUN_ID;
        try (Live nssimg = slowBuild(Map.of("XDG_RUNTIME_DIR", runtime.toString()), tag)) {
            List<Long> pids = daemonPids(runtime);
            assertEquals(1, pids.size());
            new ProcessBuilder("kill", "-KILL", pids.get(0).toString()).inheritIO().start().waitFor();
            assertEquals(3, nssimg.waitFor(30), nssimg.err());
            String last = FaultIT.lastLine(nssimg.err());
            assertTrue(last.startsWith("nssimg: the daemon ended in the middle of the command"), last);
            // The next command finds the dead daemon's socket, and starts a new one.
            Bed.Run next = nssimg(Bed.ROOT, Map.of("XDG_RUNTIME_DIR", runtime.toString()), "--version");
            assertEquals(0, next.exit(), next.err());
            assertEquals("", next.err());
            List<Long> now = daemonPids(runtime);
            assertEquals(1, now.size());
            assertFalse(now.contains(pids.get(0)));
        } finally {
            // SIGKILL gave the daemon no chance to stop its buildx: that is the one thing left to tidy here.
            FaultIT.processesWith(tag).forEach(ProcessHandle::destroy);
        }
    }

    @Test
    void aSocketPathTooLongForUnixSocketsIsNotTried(@TempDir Path tmp) throws Exception {
        Path deep = Files.createDirectories(tmp.resolve("x".repeat(60)).resolve("y".repeat(40)));
        Files.setPosixFilePermissions(deep, PosixFilePermissions.fromString("rwx------"));
        long t0 = System.nanoTime();
        Bed.Run r = nssimg(Bed.ROOT, Map.of("XDG_RUNTIME_DIR", deep.toString()), "--version");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("nssimg "));
        assertTrue(r.err().startsWith("nssimg: not using the daemon: the socket path ") && r.err().endsWith(
                " is too long for a Unix socket\n"), r.err());
        assertTrue((System.nanoTime() - t0) / 1_000_000_000L < 10, "no wait for a daemon that cannot bind");
    }

    @Test
    void aSecondCtrlCStopsWaitingAndTheDaemonStillStopsTheBuild(@TempDir Path tmp) throws Exception {
        String tag = "nssimg-it/twice:" + Bed.RUN_ID;
        try (Live nssimg = slowBuild(Map.of(), tag)) {
            nssimg.signal("INT");
            nssimg.signal("INT");
            assertEquals(130, nssimg.waitFor(15), nssimg.err());
            assertTrue(awaitNoneWith(tag, 15), "the build was stopped all the same");
        } finally {
            FaultIT.processesWith(tag).forEach(ProcessHandle::destroy);
        }
    }

    @Test
    void stoppingTheDaemonMidBuildStopsTheBuildAndTellsTheClient(@TempDir Path tmp) throws Exception {
        Path runtime = runtime(tmp, "run");
        String tag = "nssimg-it/stopped-daemon:" + Bed.RUN_ID;
        try (Live nssimg = slowBuild(Map.of("XDG_RUNTIME_DIR", runtime.toString()), tag)) {
            Bed.Run stop = nssimg(Bed.ROOT, Map.of("XDG_RUNTIME_DIR", runtime.toString()), "daemon", "stop");
            assertEquals(0, stop.exit(), stop.err());
            assertTrue(stop.out().startsWith("stopped daemon "), stop.out());
            assertEquals(143, nssimg.waitFor(30), "128 + SIGTERM: " + nssimg.err());
            assertEquals("nssimg: interrupted", FaultIT.lastLine(nssimg.err()));
            assertTrue(awaitNoneWith(tag, 15), "its build was stopped");
            assertEquals(List.of(), daemonPids(runtime));
        } finally {
            FaultIT.processesWith(tag).forEach(ProcessHandle::destroy);
        }
    }

    @Test
    void badDaemonSettingsAreRefusedWithOneLine(@TempDir Path tmp) throws Exception {
        Path runtime = runtime(tmp, "run");
        Bed.Run off = nssimg(Bed.ROOT, Map.of("XDG_RUNTIME_DIR", runtime.toString(), "NSSIMG_DAEMON", "false"), "--version");
        assertEquals(2, off.exit());
        assertEquals("nssimg: error: env NSSIMG_DAEMON: 'false' is not 0 (a JVM per command) or 1 (the daemon, default)\n",
                off.err());
        for (String idle : List.of("10m", "0", "-5", "1e3")) {
            Bed.Run r = nssimg(Bed.ROOT, Map.of("XDG_RUNTIME_DIR", runtime.toString(), "NSSIMG_DAEMON_IDLE", idle), "--version");
            assertEquals(2, r.exit(), idle);
            assertEquals("nssimg: error: env NSSIMG_DAEMON_IDLE: '" + idle + "' is not a whole number of seconds (1 or more)\n",
                    r.err());
        }
        assertFalse(Files.exists(runtime.resolve("nssimg")), "nothing was started");
    }

    @Test
    void mvnPackageBuiltTheClient() {
        assertTrue(Files.isExecutable(CLIENT), "mvn package built " + CLIENT); // its warnings: StaticChecksTest
    }

    static boolean awaitGone(long pid, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }
}
