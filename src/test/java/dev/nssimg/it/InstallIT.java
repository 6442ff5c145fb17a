package dev.nssimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nssimg.testing.TestCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nssimg installed as a user installs it (make install, and the release archive's install.sh) and run
 * from a repository of the user's own, with no Maven on PATH: a stand-in mvn that only records its calls
 * comes first on PATH, so any call to it shows. No engine is needed: --dry-run contacts nothing.
 */
class InstallIT {
    static final Pattern VERSION = Pattern.compile("nssimg \\S+ \\(commit ([0-9a-f]{7,}(-dirty)?|unknown)\\)");

    /** The test JVM's java, a stand-in mvn and the system's tools: nothing else, no Maven. */
    private static Map<String, String> userEnv(Path tmp) throws IOException {
        Path fake = Files.createDirectories(tmp.resolve("fakebin"));
        Path mvn = fake.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\necho \"mvn $*\" >>'" + tmp.resolve("mvn-calls") + "'\nexit 97\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = new HashMap<>();
        env.put("PATH", fake + ":" + Path.of(System.getProperty("java.home"), "bin") + ":/usr/bin:/bin");
        env.put("SOURCE_DATE_EPOCH", "0");
        env.put("NSSIMG_DAEMON", "0");
        return env;
    }

    private static void assertMavenNeverRan(Path tmp) {
        Path calls = tmp.resolve("mvn-calls");
        assertFalse(Files.exists(calls), () -> "mvn was called: " + read(calls));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** argv in dir with exactly env on top of the tests' defaults (no engine needed, unlike Bed.exec). */
    static Bed.Run run(Path dir, Map<String, String> env, String... argv) {
        try {
            Process p = Bed.process(List.of(argv), dir, env).start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> Bed.read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> Bed.read(p.getErrorStream()));
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                fail(String.join(" ", argv) + " did not finish in 300 s");
            }
            return new Bed.Run(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Bed.Run ok(Bed.Run r, String what) {
        assertEquals(0, r.exit(), () -> what + ":\n" + r.out() + r.err());
        return r;
    }

    /** A fresh git repository of the user's with a one-line Dockerfile, committed, so its status starts empty. */
    private static Path userRepo(Path tmp, Map<String, String> env) throws IOException {
        Path repo = Files.createDirectories(tmp.resolve("my project"));
        Files.writeString(repo.resolve("Dockerfile"), "FROM scratch\n");
        ok(run(repo, env, "git", "init", "-q"), "git init");
        ok(run(repo, env, "git", "add", "Dockerfile"), "git add");
        ok(run(repo, env, "git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "x"), "git commit");
        assertEquals("", gitStatus(repo, env));
        return repo;
    }

    private static String gitStatus(Path repo, Map<String, String> env) {
        return ok(run(repo, env, "git", "status", "--porcelain"), "git status").out();
    }

    private static boolean onPath(Map<String, String> env, String tool) {
        return Stream.of(env.get("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }

    /** The installed files; the client only where one was built or could be compiled. */
    private static void assertInstalled(Path prefix, boolean client) {
        Path lib = prefix.resolve("lib/nssimg");
        for (Path p : List.of(prefix.resolve("bin/nssimg"), lib.resolve("nssimg.jar"), lib.resolve("nssimg.classlist"),
                lib.resolve("nssimg.jsa"), prefix.resolve("share/doc/nssimg/README.md"), prefix.resolve("share/doc/nssimg/LICENSE"))) {
            assertTrue(Files.isRegularFile(p), p + " was not installed");
        }
        assertTrue(Files.isExecutable(prefix.resolve("bin/nssimg")));
        assertEquals(client, Files.isExecutable(lib.resolve("nssimg-client")), "client installed");
    }

    /** The plan of the user's Dockerfile from the user's repository: exit 0, a buildx command, the repository untouched. */
    private static String planInUserRepo(Path prefix, Path repo, Map<String, String> env) {
        Bed.Run plan = ok(run(repo, env, prefix.resolve("bin/nssimg").toString(), "build", "--dry-run", "-f", "Dockerfile"),
                "installed nssimg build --dry-run");
        assertTrue(plan.out().startsWith("docker buildx build "), plan.out());
        assertFalse(plan.err().contains("sharing") || plan.err().contains("CDS"), "archive warnings leaked: " + plan.err());
        assertEquals("", gitStatus(repo, env), "the user's repository was changed");
        return plan.out();
    }

    private static String version(Path prefix, Path dir, Map<String, String> env) {
        Bed.Run r = ok(run(dir, env, prefix.resolve("bin/nssimg").toString(), "--version"), "installed nssimg --version");
        assertTrue(VERSION.matcher(r.out().strip()).matches(), r.out());
        return r.out().strip();
    }

    @Test
    void versionNamesTheCommitItWasBuiltFrom() {
        TestCli.Result r = new TestCli().run("--version");
        assertEquals(0, r.exit(), r.err());
        String v = r.out().strip();
        assertTrue(VERSION.matcher(v).matches(), v);
        Bed.Run head = run(Bed.ROOT, Map.of(), "git", "rev-parse", "--short=7", "HEAD");
        if (head.exit() == 0 && Files.exists(Bed.ROOT.resolve(".git"))) {
            assertTrue(v.contains("(commit " + head.out().strip()), v + " is not HEAD " + head.out());
        } else {
            assertTrue(v.endsWith("(commit unknown)"), v);
        }
    }

    @Test
    void makeInstallRunsFromAnyDirectoryWithoutMaven(@TempDir Path tmp) throws Exception {
        Map<String, String> env = userEnv(tmp);
        Path prefix = tmp.resolve("home dir/.local");
        Bed.Run install = run(Bed.ROOT, env, "make", "-s", "install", "PREFIX=" + prefix);
        // mvn package ran before this test, so the jar is newer than every source: nothing to rebuild.
        assertMavenNeverRan(tmp);
        ok(install, "make install");
        boolean client = Files.isExecutable(Bed.ROOT.resolve("target/nssimg-client")) || onPath(env, "cc");
        assertInstalled(prefix, client);
        assertTrue(install.err().contains("start-up archive: " + prefix.resolve("lib/nssimg/nssimg.jsa")), install.err());

        // The archive was made for the installed jar's path: -Xshare:on fails when it cannot be used.
        Path lib = prefix.resolve("lib/nssimg");
        ok(run(tmp, env, "java", "-XX:SharedArchiveFile=" + lib.resolve("nssimg.jsa"), "-Xshare:on", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-XX:-UsePerfData", "-jar", lib.resolve("nssimg.jar").toString(), "--version"), "the installed archive maps");

        Path repo = userRepo(tmp, env);
        assertEquals(new TestCli().run("--version").out().strip(), version(prefix, repo, env));
        String direct = planInUserRepo(prefix, repo, env);

        // Through the daemon, in a private runtime directory, the same plan; then stop that daemon.
        Path runtime = Files.createDirectory(tmp.resolve("runtime"));
        Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwx------"));
        Map<String, String> daemonEnv = new HashMap<>(env);
        daemonEnv.put("NSSIMG_DAEMON", "1");
        daemonEnv.put("XDG_RUNTIME_DIR", runtime.toString());
        try {
            assertEquals(direct, planInUserRepo(prefix, repo, daemonEnv));
            assertEquals(client, !DaemonIT.daemonPids(runtime).isEmpty(), "a daemon serves the installed client");
            ok(run(repo, daemonEnv, prefix.resolve("bin/nssimg").toString(), "daemon", "stop"), "nssimg daemon stop");
            assertEquals(List.of(), DaemonIT.daemonPids(runtime), "daemons left after daemon stop");
        } finally {
            Bed.stopDaemons(runtime);
        }
        assertEquals("", gitStatus(repo, env), "the user's repository was changed");

        // An install that lost its jar says so; it never falls back to building one.
        Files.move(lib.resolve("nssimg.jar"), tmp.resolve("nssimg.jar"));
        Bed.Run broken = run(repo, env, prefix.resolve("bin/nssimg").toString(), "--version");
        assertEquals(3, broken.exit(), broken.err());
        assertTrue(broken.err().contains("install nssimg again"), broken.err());
        Files.move(tmp.resolve("nssimg.jar"), lib.resolve("nssimg.jar"));
        assertMavenNeverRan(tmp);

        ok(run(Bed.ROOT, env, "make", "-s", "uninstall", "PREFIX=" + prefix), "make uninstall");
        assertFalse(Files.exists(prefix.resolve("bin/nssimg")));
        assertFalse(Files.exists(lib));
        assertFalse(Files.exists(prefix.resolve("share/doc/nssimg")));
        assertMavenNeverRan(tmp);
    }

    @Test
    void theReleaseArchiveInstallsWithItsOwnScript(@TempDir Path tmp) throws Exception {
        Map<String, String> env = userEnv(tmp);
        List<Path> archives;
        try (Stream<Path> s = Files.list(Bed.ROOT.resolve("target"))) {
            archives = s.filter(p -> p.getFileName().toString().matches("nssimg-.+\\.tar\\.gz")).toList();
        }
        assertEquals(1, archives.size(), "release archives in target/: " + archives);
        Path unpacked = Files.createDirectory(tmp.resolve("unpacked"));
        ok(run(unpacked, env, "tar", "xzf", archives.get(0).toString()), "tar xzf");
        Path top;
        try (Stream<Path> s = Files.list(unpacked)) {
            top = s.findFirst().orElseThrow();
        }
        String name = archives.get(0).getFileName().toString();
        assertEquals(name.substring(0, name.length() - ".tar.gz".length()), top.getFileName().toString());
        for (String f : List.of("install.sh", "bin/nssimg", "lib/nssimg/nssimg.jar", "lib/nssimg/nssimg.classlist",
                "src/nssimg-client.c", "README.md", "LICENSE")) {
            assertTrue(Files.isRegularFile(top.resolve(f)), f + " is not in " + name);
        }
        assertTrue(Files.isExecutable(top.resolve("install.sh")) && Files.isExecutable(top.resolve("bin/nssimg")));
        assertEquals(Files.exists(Bed.ROOT.resolve("target/nssimg-client")), Files.exists(top.resolve("lib/nssimg/nssimg-client")),
                "the built client is shipped when there is one");
        // Without the built client, install.sh compiles the shipped source where there is a C compiler.
        Files.deleteIfExists(top.resolve("lib/nssimg/nssimg-client"));

        Path prefix = tmp.resolve("prefix");
        ok(run(tmp, env, top.resolve("install.sh").toString(), prefix.toString()), "install.sh");
        assertInstalled(prefix, onPath(env, "cc"));
        Path repo = userRepo(tmp, env);
        version(prefix, repo, env);
        planInUserRepo(prefix, repo, env);
        assertMavenNeverRan(tmp);

        ok(run(tmp, env, top.resolve("install.sh").toString(), "--uninstall", prefix.toString()), "install.sh --uninstall");
        assertFalse(Files.exists(prefix.resolve("bin/nssimg")));
        assertFalse(Files.exists(prefix.resolve("lib/nssimg")));
        assertEquals("", gitStatus(repo, env));
    }
}
