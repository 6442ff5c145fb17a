package dev.nssimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nssimg.engine.Engine;
import dev.nssimg.lifecycle.Cleanup;
import dev.nssimg.lifecycle.Log;
import java.io.PrintWriter;
import dev.nssimg.error.NssimgException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real test-bed engine for integration tests. There is no fake here and no
 * skipping: without a reachable engine every test fails with the command
 * that starts one (scripts/test does it for you).
 */
public final class Bed {
    public static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    public static final String REGISTRY = "127.0.0.1:5000";
    public static final String RUN_ID = UUID.randomUUID().toString().substring(0, 8);

    public record Run(int exit, String out, String err) {
        public String all() {
            return out + err;
        }
    }

    private static Engine engine;

    /**
     * bin/nssimg runs here as it does for users: through its daemon, one for the whole test run, in a
     * private runtime directory of its own (so a user's daemon is never touched), ending 30 s after
     * its last use and stopped outright when the test JVM exits. Tests that need a JVM per command
     * pass NSSIMG_DAEMON=0.
     */
    public static final Path RUNTIME = runtimeDir();

    private static Path runtimeDir() {
        offlineContext(ROOT.resolve("target/offline/context"), null); // the example and offline profiles' context
        try {
            Path dir = Files.createTempDirectory("nssimg-it");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stopDaemons(dir);
                try {
                    removeRunImages();
                } catch (RuntimeException | AssertionError e) {
                    // no engine (the tests have said so already)
                }
            }));
            return dir;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void stopDaemons(Path runtime) {
        try {
            ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("bin/nssimg").toString(), "daemon", "stop")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).directory(ROOT.toFile());
            pb.environment().put("XDG_RUNTIME_DIR", runtime.toString());
            pb.start().waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            // nothing was started
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Removes the images this run tagged (every per-run tag carries RUN_ID), so repeated runs on one engine
     * do not pile them up. Images of fixed names are overwritten by the next run instead.
     */
    static void removeRunImages() {
        Run ls = exec(List.of("docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}"), ROOT, Map.of(), 60);
        List<String> ours = ls.out().lines().filter(t -> t.contains("nssimg-it/") && t.contains(RUN_ID) && !t.endsWith(":<none>")).toList();
        if (!ours.isEmpty()) {
            List<String> argv = new ArrayList<>(List.of("docker", "image", "rm", "--force"));
            argv.addAll(ours);
            exec(argv, ROOT, Map.of(), 120);
        }
    }

    /** argv in dir, stdin empty, with the tests' defaults (the daemon's runtime directory) and then env. */
    static ProcessBuilder process(List<String> argv, Path dir, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile());
        pb.environment().put("XDG_RUNTIME_DIR", RUNTIME.toString());
        pb.environment().put("NSSIMG_DAEMON_IDLE", "30");
        pb.environment().put(Engine.SESSION, session);
        pb.environment().remove("GITHUB_STEP_SUMMARY"); // a CI job's own summary is not the tests' to write
        pb.environment().putAll(env);
        return pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    }

    private Bed() {}

    /**
     * Lays out the stand-in source tree the real Dockerfile builds from (scripts/offline-context) in dir, with a
     * third-party payload of that size (e.g. "50M"; null: the committed lock's few MB). Returns dir.
     */
    public static Path offlineContext(Path dir, String payload) {
        List<String> argv = new ArrayList<>(List.of(ROOT.resolve("scripts/offline-context").toString(), dir.toString()));
        if (payload != null) {
            argv.addAll(List.of("--payload", payload));
        }
        try { // not exec(): this runs while the class initialises, before RUNTIME is set
            Process p = new ProcessBuilder(argv).directory(ROOT.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                fail("scripts/offline-context " + dir + ": " + out);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return dir;
    }

    /**
     * A Safe Synthesizer checkout as the offline build sees one, in dir: the stand-in source tree
     * (scripts/offline-context), the real containers/Dockerfile.cuda and containers/profiles.yaml copied in as they
     * are, with profiles (YAML indented as the file's own, e.g. ones that extend offline with context ".") put first
     * in its profiles section. Returns dir.
     */
    public static Path checkout(Path dir, String profiles) throws IOException {
        offlineContext(dir, null);
        Files.copy(ROOT.resolve("containers/Dockerfile.cuda"), dir.resolve("containers/Dockerfile.cuda"));
        String real = Files.readString(ROOT.resolve("containers/profiles.yaml"));
        if (!real.contains("\nprofiles:\n")) {
            fail("containers/profiles.yaml has no profiles section");
        }
        Files.writeString(dir.resolve("containers/profiles.yaml"), real.replaceFirst("\nprofiles:\n",
                java.util.regex.Matcher.quoteReplacement("\nprofiles:\n" + profiles.indent(2))));
        return dir;
    }

    public static synchronized Engine engine() {
        String host = System.getenv("DOCKER_HOST");
        if (host == null || host.isBlank()) {
            fail("DOCKER_HOST is not set: engine tests run against the test bed. Run them with scripts/test (make test),"
                    + " which starts it (CI=" + System.getenv("CI") + ")");
        }
        if (engine == null) {
            Engine e = Engine.connect(System.getenv(), ROOT, new Cleanup(new PrintWriter(System.err, true)), new Log());
            try {
                e.ping();
            } catch (NssimgException ex) {
                fail("the engine at " + host + " is not reachable: " + ex.getMessage() + " (scripts/testbed up)");
            }
            engine = e;
        }
        return engine;
    }

    /**
     * The test bed's second engine (scripts/testbed env sets NSSIMG_TESTBED_ENGINE2): no CDI, its own socket; the
     * "engine on another machine" of two-engine builds. Tests that need it fail without it, as they do without the first.
     */
    public static String engine2() {
        String host = System.getenv("NSSIMG_TESTBED_ENGINE2");
        if (host == null || host.isBlank()) {
            fail("NSSIMG_TESTBED_ENGINE2 is not set: these tests use the test bed's second engine. Run them with"
                    + " scripts/test (make test), or eval \"$(scripts/testbed env)\" first");
        }
        Run v = exec(List.of("docker", "version", "--format", "{{.Server.Version}}"), ROOT, Map.of("DOCKER_HOST", host), 30);
        if (v.exit() != 0) {
            fail("the second engine at " + host + " is not reachable: " + v.err() + " (scripts/testbed up)");
        }
        return host;
    }

    /**
     * A private docker CLI configuration (DOCKER_CONFIG) with a context named name for the second engine, so that
     * a test never touches the user's own contexts.
     */
    public static Path dockerConfigWithEngine2(String name) throws IOException {
        Path dir = Files.createTempDirectory("nssimg-docker-config");
        Run c = exec(List.of("docker", "context", "create", name, "--docker", "host=" + engine2()), ROOT,
                Map.of("DOCKER_CONFIG", dir.toString()), 30);
        assertEquals(0, c.exit(), () -> "docker context create: " + c.err());
        return dir;
    }

    /** Runs bin/nssimg as users do, from dir, with extra environment. */
    public static Run nssimg(Path dir, Map<String, String> env, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(ROOT.resolve("bin/nssimg").toString());
        argv.addAll(List.of(args));
        return exec(argv, dir, env, 600);
    }

    public static Run nssimg(String... args) {
        return nssimg(ROOT, Map.of(), args);
    }

    public static Run docker(String... args) {
        List<String> argv = new ArrayList<>(List.of("docker"));
        argv.addAll(List.of(args));
        return exec(argv, ROOT, Map.of(), 600);
    }

    public static Run exec(List<String> argv, Path dir, Map<String, String> env, long timeoutSeconds) {
        engine();
        try {
            Process p = process(argv, dir, env).start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                fail(String.join(" ", argv) + " did not finish in " + timeoutSeconds + " s");
            }
            return new Run(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Builds the example profile's stage (the real Dockerfile, offline) through bin/nssimg (cheap when cached) and returns its tag. */
    public static String example(String target) {
        Run r = nssimg("build", "--profile", "example", "--target", target);
        assertEquals(0, r.exit(), () -> "building the example " + target + ": " + r.err());
        return target.equals("dev") ? "nss-example-dev:latest" : "nss-example:latest";
    }

    /** Builds a fixture image from Dockerfile text with plain docker buildx (not the code under test). */
    public static String fixture(String name, String dockerfile) throws IOException {
        Path dir = Files.createTempDirectory("nssimg-fixture");
        Files.writeString(dir.resolve("Dockerfile"), dockerfile);
        String tag = "nssimg-it/" + name + ":" + RUN_ID;
        Run r = docker("buildx", "build", "--load", "-t", tag, dir.toString());
        assertEquals(0, r.exit(), () -> "fixture " + name + ": " + r.err());
        return tag;
    }

    /**
     * The session name of the test that runs now ({@link Scope}): every bin/nssimg this test starts gets it as
     * NSSIMG_SESSION, so every container nssimg creates for it carries it as the label nssimg.session. A test counts
     * only what its own session created: one test's leftover never fails another's check.
     */
    private static volatile String session = RUN_ID + "-outside-a-test";
    private static final java.util.concurrent.atomic.AtomicInteger SESSIONS = new java.util.concurrent.atomic.AtomicInteger();

    public static String session() {
        return session;
    }

    /** Containers that this test's nssimg left behind (it labels every container it creates with the session). */
    public static List<String> leftovers() {
        return engine().containersWithLabel(Engine.SESSION_LABEL, session);
    }

    /**
     * Gives each integration test a session of its own and fails the test that left a container of it behind,
     * after removing it (so nothing piles up on the engine). Registered for every test class (autodetection,
     * src/test/resources); it acts on this package's tests only.
     */
    public static final class Scope implements org.junit.jupiter.api.extension.BeforeEachCallback,
            org.junit.jupiter.api.extension.AfterEachCallback {
        @Override
        public void beforeEach(org.junit.jupiter.api.extension.ExtensionContext context) {
            if (ours(context)) {
                session = RUN_ID + "-" + SESSIONS.incrementAndGet();
            }
        }

        @Override
        public void afterEach(org.junit.jupiter.api.extension.ExtensionContext context) {
            if (!ours(context)) {
                return;
            }
            String mine = session;
            session = RUN_ID + "-outside-a-test";
            if (engine == null) {
                return; // this test never reached the engine
            }
            // A container being removed as the test ends (a SIGTERM'd run) is given a bounded moment to go.
            List<String> left = engine().containersWithLabel(Engine.SESSION_LABEL, mine);
            for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); !left.isEmpty() && System.nanoTime() < end; ) {
                awaitGone(left.get(0), end);
                left = engine().containersWithLabel(Engine.SESSION_LABEL, mine);
            }
            if (!left.isEmpty()) {
                List<String> argv = new ArrayList<>(List.of("docker", "rm", "--force"));
                argv.addAll(left);
                exec(argv, ROOT, Map.of(), 60);
                fail("containers of session " + mine + " left behind (now removed): " + left);
            }
        }

        private static boolean ours(org.junit.jupiter.api.extension.ExtensionContext context) {
            return context.getRequiredTestClass().getPackageName().equals(Bed.class.getPackageName());
        }
    }

    /** Waits (bounded by end, nanoTime) until the engine no longer knows the container: docker wait --condition removed. */
    static void awaitGone(String id, long end) {
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(end - System.nanoTime()));
        exec(List.of("timeout", Long.toString(seconds), "docker", "container", "wait", "--condition", "removed", id), ROOT,
                Map.of(), seconds + 10);
    }

    public static Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
