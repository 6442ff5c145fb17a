package dev.nssimg.buildx;

import dev.nssimg.json.Json;
import dev.nssimg.error.ExitCode;
import dev.nssimg.error.NssimgException;
import dev.nssimg.lifecycle.Cleanup;
import dev.nssimg.lifecycle.Log;
import dev.nssimg.plan.Build;
import dev.nssimg.plan.BuildPlan;
import dev.nssimg.plan.Command;
import dev.nssimg.plan.Manifest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Runs a {@link BuildPlan}: each platform's BUILD (and PUSH) commands through
 * the docker CLI (platforms concurrently up to {@code jobs}, output prefixed
 * by platform when there are several), then the MANIFEST command with the
 * digests they reported.
 * Any failed build stops the others, and the manifest (the only step that
 * publishes a tag in a split build) is then never run.
 */
public final class BuildRunner {
    /** Messages of the docker CLI, buildx and BuildKit that mean "the environment, not the build". */
    private static final Pattern ENVIRONMENT = Pattern.compile(
            "(?i)cannot connect to the docker daemon|connection refused|no such host|i/o timeout|dial (tcp|unix)"
                    + "|is the docker daemon running|no builder .* found|connection reset by peer|error reading from server"
                    + "|unexpected eof|closed network connection|server misbehaving|code = Unavailable"
                    + "|client connection is closing|transport is closing|broken pipe");

    /** Registry answers that are worth one more try: server errors, not refusals. */
    private static final Pattern TRANSIENT_REGISTRY = Pattern.compile(
            "(?i)(unexpected status[^:]*: |received unexpected HTTP status: |status code )5\\d\\d|\\b50[0234] (Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout)");

    public record StepResult(Command.Kind kind, String label, int exit, String digest, int steps, int cached,
            String failedStep, String error, boolean buildxMissing, Duration duration) {
        public boolean ok() {
            return exit == 0;
        }
    }

    public record Result(List<StepResult> builds, String digest, Duration duration) {}

    private final ProcessLauncher launcher;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Path cwd;
    private final boolean json;
    private final Map<String, String> baseEnv;
    private final List<Process> running = new ArrayList<>();
    /** Set (under this lock) when a platform failed or all were stopped: no further process of this run may start. */
    private boolean stopping;
    private volatile Consumer<String> imageStored = label -> {};

    public BuildRunner(ProcessLauncher launcher, PrintWriter out, PrintWriter err, Path cwd, boolean json,
            Map<String, String> baseEnv) {
        this.launcher = launcher;
        this.out = out;
        this.err = err;
        this.cwd = cwd;
        this.json = json;
        this.baseEnv = baseEnv;
    }

    /** Told (with the platform label) when a build's exporter has stored its image in the engine; must be quick. */
    public BuildRunner onImageStored(Consumer<String> listener) {
        this.imageStored = listener;
        return this;
    }

    /** Thrown when the docker CLI has no buildx plugin, before anything was built. */
    public static final class BuildxMissing extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BuildxMissing() {
            super("docker buildx is not installed", null, false, false);
        }
    }

    public Result run(BuildPlan plan, int jobs) {
        long t0 = System.nanoTime();
        synchronized (this) {
            stopping = false; // a runner is run again after a failure (the classic builder fallback)
        }
        boolean prefix = plan.builds().stream().map(Command::label).distinct().count() > 1;
        String digest = null;
        try (AutoCloseable ignored = Cleanup.register(this::destroyAll)) {
            List<List<StepResult>> done = runChains(chains(plan), jobs, prefix);
            Map<String, StepResult> latest = new LinkedHashMap<>();
            done.forEach(chain -> latest.put(chain.get(0).label(), chain.get(chain.size() - 1)));
            if (done.size() == 1) {
                digest = done.get(0).get(done.get(0).size() - 1).digest();
            }
            for (Command c : plan.commands()) {
                if (c instanceof Manifest m) {
                    digest = runManifest(m, List.copyOf(latest.values()));
                }
            }
            return new Result(done.stream().map(chain -> chain.get(0)).toList(), digest, Duration.ofNanos(System.nanoTime() - t0));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NssimgException(ExitCode.INTERRUPTED, "interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (NssimgException | BuildxMissing e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The BUILD and PUSH steps of each platform, in phase order. A platform's push follows its own build
     * at once, while the other platforms still build: on real images the first platform's gigabytes are
     * uploaded during the slower (emulated) one's build instead of after it.
     */
    static List<List<Command>> chains(BuildPlan plan) {
        Map<String, List<Command>> byLabel = new LinkedHashMap<>();
        plan.commands().stream()
                .filter(c -> c.kind() == Command.Kind.BUILD || c.kind() == Command.Kind.PUSH)
                .sorted(java.util.Comparator.comparingInt(Command::phase))
                .forEach(c -> byLabel.computeIfAbsent(c.label(), k -> new ArrayList<>()).add(c));
        return List.copyOf(byLabel.values());
    }

    /**
     * Runs the chains, up to jobs at once, and returns each one's results. The first failure stops the
     * rest and is thrown (the platforms stopped because of it are not the cause).
     */
    private List<List<StepResult>> runChains(List<List<Command>> chains, int jobs, boolean prefix)
            throws IOException, InterruptedException, ExecutionException {
        AtomicReference<StepResult> firstFailure = new AtomicReference<>();
        List<List<StepResult>> results = new ArrayList<>();
        if (chains.size() <= 1 || jobs <= 1) {
            for (List<Command> chain : chains) {
                List<StepResult> r = runChain(chain, prefix, firstFailure);
                results.add(r);
                if (firstFailure.get() != null) {
                    break;
                }
            }
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(jobs, chains.size()));
            try {
                List<Future<List<StepResult>>> futures = new ArrayList<>();
                for (List<Command> chain : chains) {
                    futures.add(pool.submit(() -> runChain(chain, true, firstFailure)));
                }
                for (Future<List<StepResult>> f : futures) {
                    results.add(f.get());
                }
            } finally {
                pool.shutdownNow();
            }
        }
        StepResult first = firstFailure.get();
        if (first != null && first.buildxMissing()) {
            throw new BuildxMissing();
        }
        if (first != null) {
            throw failure(first, prefix);
        }
        return results;
    }

    private List<StepResult> runChain(List<Command> chain, boolean prefix, AtomicReference<StepResult> firstFailure)
            throws IOException, InterruptedException {
        List<StepResult> out = new ArrayList<>();
        for (Command c : chain) {
            if (firstFailure.get() != null) {
                break; // another platform failed: start nothing more
            }
            StepResult r;
            try {
                r = runOne(c, prefix);
            } catch (Stopped e) {
                break; // another platform failed between the check above and the start
            }
            out.add(r);
            if (!r.ok()) {
                if (firstFailure.compareAndSet(null, r)) {
                    destroyAll(); // stop the other platforms now
                }
                break;
            }
        }
        return out;
    }

    private NssimgException failure(StepResult r, boolean named) {
        String why = r.error() == null ? "docker buildx exited with " + r.exit() : r.error();
        String msg = (r.kind() == Command.Kind.PUSH ? "push failed" : "build failed") + (named ? " for " + r.label() : "")
                + (r.failedStep() == null ? "" : " at step " + r.failedStep()) + ": " + why;
        return classified(msg, why);
    }

    /** Exit 3 when the tool's own words blame the environment (engine, registry, network), else exit 1. */
    private static NssimgException classified(String msg, String why) {
        return ENVIRONMENT.matcher(why).find() ? NssimgException.environment(msg) : NssimgException.failed(msg);
    }

    /** Runs a step; a push that failed on a registry server error is run once more (builds are cached by then). */
    StepResult runOne(Command c, boolean prefix) throws IOException, InterruptedException {
        StepResult r = runOnce(c, prefix);
        if (!r.ok() && c.pushes() && r.error() != null && TRANSIENT_REGISTRY.matcher(r.error()).find()) {
            synchronized (err) {
                err.println("nssimg: " + c.label() + ": the registry failed (" + r.error() + "); trying once more");
                err.flush();
            }
            r = runOnce(c, prefix);
        }
        return r;
    }

    private StepResult runOnce(Command c, boolean prefix) throws IOException, InterruptedException {
        if (c.metadataFile() == null) {
            return runStep(c, prefix);
        }
        String tag = prefix ? "[" + c.label() + "] " : "";
        try (TurnLock turn = TurnLock.take(c.metadataFile(), () -> {
            synchronized (err) {
                err.println(tag + "nssimg: another build of this profile, target and platform is running in this checkout"
                        + " (it writes " + cwd.relativize(c.metadataFile().toAbsolutePath()) + "); waiting for it");
                err.flush();
            }
        })) {
            Files.deleteIfExists(c.metadataFile());
            return runStep(c, prefix);
        }
    }

    private StepResult runStep(Command c, boolean prefix) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Map<String, String> env = new LinkedHashMap<>(baseEnv);
        env.putAll(c.env());
        Process p;
        try {
            p = start(c.argv(), env);
        } catch (IOException e) {
            throw NssimgException.environment("cannot run " + c.argv().get(0) + ": " + e.getMessage());
        }
        Progress progress = new Progress();
        if (c.kind() == Command.Kind.BUILD) {
            progress.onImageStored(() -> imageStored.accept(c.label()));
        }
        String tag = prefix ? "[" + c.label() + "] " : "";
        Thread outPump = pump(p.getInputStream(), tag, progress);
        Thread errPump = pump(p.getErrorStream(), tag, progress);
        int exit = p.waitFor();
        awaitPumps(outPump, errPump);
        forget(p);
        Log.debug(BuildRunner.class, "pid {} ({}) exited {} after {} ms", p.pid(), c.label(), exit, (System.nanoTime() - t0) / 1_000_000);
        String digest = exit != 0 ? null : c.kind() == Command.Kind.PUSH ? progress.pushedDigest() : readDigest(c.metadataFile());
        boolean missing = progress.buildxMissing();
        if (exit != 0 && !missing && c instanceof Build b && b.tool() == Build.Tool.BUILDX
                && !progress.sawBuildkit()) {
            // Newer docker CLIs answer an unknown `buildx` with a flag error: ask once, on this failure path only.
            missing = !new DockerCli(launcher, baseEnv, cwd).capture(List.of("docker", "buildx", "version"), 30).ok();
        }
        return new StepResult(c.kind(), c.label(), exit, digest, progress.steps(), progress.cachedSteps(), progress.failedStep(),
                progress.error(), missing, Duration.ofNanos(System.nanoTime() - t0));
    }

    private static final Pattern PUSHED_INDEX = Pattern.compile("pushing (sha256:[0-9a-f]{64}) to ");
    private static final Pattern METADATA_DIGEST = Pattern.compile("\"containerimage\\.digest\"\\s*:\\s*\"(sha256:[0-9a-f]{64})\"");

    /** Runs imagetools create with the builds' digests; returns the digest of the index it pushed (null if not said). */
    private String runManifest(Manifest manifest, List<StepResult> results) throws IOException, InterruptedException {
        Map<String, String> digests = new LinkedHashMap<>();
        results.forEach(r -> digests.put(r.label(), r.digest() == null ? "" : r.digest()));
        String text = publishIndex(manifest.argv(digests));
        java.util.regex.Matcher m = PUSHED_INDEX.matcher(text);
        String digest = null;
        while (m.find()) {
            digest = m.group(1); // the last "pushing" line is the index
        }
        return digest;
    }

    /** Runs imagetools create (once more after a registry server error; it is idempotent); returns its output. */
    private String publishIndex(List<String> argv) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            Process p = start(argv, baseEnv);
            StringBuilder text = new StringBuilder();
            Thread outPump = collect(p.getInputStream(), text);
            Thread errPump = collect(p.getErrorStream(), text);
            int exit = p.waitFor();
            outPump.join();
            errPump.join();
            forget(p);
            if (exit == 0) {
                return text.toString();
            }
            String why = lastLine(text.toString());
            if (attempt == 1 && TRANSIENT_REGISTRY.matcher(text).find()) {
                synchronized (err) {
                    err.println("nssimg: the registry failed while publishing the tag (" + why + "); trying once more");
                    err.flush();
                }
                continue;
            }
            String msg = "publishing the multi-platform tag failed: " + why;
            throw classified(msg, why);
        }
    }

    /** Thrown by start once the run is stopping (a platform failed): the caller starts nothing more. */
    private static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super("another platform failed", null, false, false);
        }
    }

    /**
     * Waits for a child's output to end. A stopped child's own children can outlive it holding the pipe
     * (one it forked just as it was signalled is not among the descendants seen): once stopping, the
     * output gets two seconds more, not forever.
     */
    private void awaitPumps(Thread... pumps) throws InterruptedException {
        for (Thread t : pumps) {
            while (t.isAlive() && !isStopping()) {
                t.join(200);
            }
        }
        long deadline = System.nanoTime() + 2_000_000_000L;
        for (Thread t : pumps) {
            t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000)); // join(0) would wait forever
        }
    }

    private synchronized boolean isStopping() {
        return stopping;
    }

    private synchronized Process start(List<String> argv, Map<String, String> env) throws IOException {
        // Under the same lock as destroyAll: a process is either refused here or stopped there.
        Cleanup.checkNotInterrupted();
        if (stopping) {
            throw new Stopped();
        }
        Process p = launcher.start(argv, env, cwd);
        running.add(p);
        if (Log.debug()) {
            Log.debug(BuildRunner.class, "started pid {}: {}", p.pid(), dev.nssimg.plan.ShellQuote.join(argv));
        }
        return p;
    }

    private synchronized void forget(Process p) {
        running.remove(p);
    }

    /** Stops every running child (and its children), SIGTERM then SIGKILL after 5 s, and refuses new ones. */
    public synchronized void destroyAll() {
        stopping = true;
        for (Process p : List.copyOf(running)) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            p.descendants().forEach(ProcessHandle::destroy); // forked while we looked
        }
        for (Process p : List.copyOf(running)) {
            try {
                if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }

    private Thread pump(java.io.InputStream in, String tag, Progress progress) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    Map<String, Object> event = progress == null ? null : progress.accept(line);
                    if (json) {
                        if (event != null) {
                            if (!tag.isEmpty()) {
                                event.put("platform", tag.substring(1, tag.length() - 2));
                            }
                            synchronized (out) {
                                out.println(toJson(event));
                                out.flush();
                            }
                        }
                    } else {
                        synchronized (err) {
                            err.println(tag + line);
                            err.flush();
                        }
                    }
                }
            } catch (IOException e) {
                // the process went away; its exit code tells the rest
            }
        }, "nssimg-pump");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** A flat JSON object of strings and booleans (progress events). */
    static String toJson(Map<String, Object> event) {
        Map<String, String> raw = new LinkedHashMap<>();
        event.forEach((k, v) -> raw.put(k, v instanceof Boolean b ? b.toString() : Json.str(String.valueOf(v))));
        return Json.object(raw);
    }

    private static Thread collect(java.io.InputStream in, StringBuilder sink) {
        Thread t = new Thread(() -> {
            try {
                String s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                synchronized (sink) {
                    sink.append(s);
                }
            } catch (IOException e) {
                // ignored: exit code decides
            }
        }, "nssimg-collect");
        t.setDaemon(true);
        t.start();
        return t;
    }

    static String lastLine(String s) {
        String[] lines = s.strip().split("\\R");
        return lines.length == 0 ? "" : lines[lines.length - 1].trim();
    }

    static String readDigest(Path metadata) {
        if (metadata == null || !Files.isRegularFile(metadata)) {
            return null;
        }
        try {
            String text = Files.readString(metadata).trim();
            if (text.startsWith("sha256:")) { // an --iidfile of the classic builder
                return text;
            }
            java.util.regex.Matcher m = METADATA_DIGEST.matcher(text);
            return m.find() ? m.group(1) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
