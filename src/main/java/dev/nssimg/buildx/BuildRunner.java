package dev.nssimg.buildx;

import dev.nssimg.error.ExitCode;
import dev.nssimg.error.NssimgException;
import dev.nssimg.lifecycle.Cleanup;
import dev.nssimg.lifecycle.Log;
import dev.nssimg.plan.BuildPlan;
import dev.nssimg.plan.Command;
import dev.nssimg.plan.Manifest;
import dev.nssimg.plan.ManifestList;
import dev.nssimg.runtime.Captured;
import dev.nssimg.runtime.ProcessLauncher;
import dev.nssimg.runtime.TurnLock;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Runs a {@link BuildPlan}: each platform's BUILD (and PUSH) commands through
 * the docker CLI (platforms concurrently up to {@code jobs}, output prefixed
 * by platform when there are several), then the MANIFEST command with the
 * digests they reported.
 * Any failed build stops the others, and the manifest (the only step that
 * publishes a tag in a split build) is then never run.
 * The parts: {@link PlatformChains} (the per-platform chains, on a pool), {@link StepRunner} (one step),
 * {@link IndexPublisher} (the manifest), {@link Children} (stopping process trees), {@link OutputPump}
 * (output and --json events), {@link Failures} (what a failure means, retries).
 */
public final class BuildRunner {
    public record StepResult(Command.Kind kind, String label, int exit, String digest, int steps, int cached,
            String failedStep, String error, boolean buildxMissing, Duration duration) {
        public boolean ok() {
            return exit == 0;
        }
    }

    public record Result(List<StepResult> builds, String digest, Duration duration) {}

    private final Cleanup cleanup;
    private final Children children;
    private final PlatformChains chains;
    private final IndexPublisher index;
    private volatile Consumer<String> imageStored = label -> {};

    /**
     * events: where progress events go (--json), null to pass buildx's lines to err. cleanup: the invocation's,
     * which stops this runner's children on Ctrl-C. turns: this JVM's, shared by its invocations.
     */
    public BuildRunner(ProcessLauncher launcher, PrintWriter err, Path cwd, ProgressListener events,
            Map<String, String> baseEnv, Cleanup cleanup, Log log, TurnLock.Turns turns) {
        this.cleanup = cleanup;
        children = new Children(launcher, cwd, cleanup, log);
        OutputPump pump = new OutputPump(err, events);
        StepRunner steps = new StepRunner(children, pump, new Captured(launcher, baseEnv, cwd), baseEnv,
                label -> imageStored.accept(label), cleanup, log, turns);
        chains = new PlatformChains(steps::run, children::stopAll);
        index = new IndexPublisher(children, pump, baseEnv);
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
        children.reset(); // a runner is run again after a failure (the classic builder fallback)
        boolean prefix = plan.builds().stream().map(Command::label).distinct().count() > 1;
        String digest = null;
        try (AutoCloseable ignored = cleanup.register(new Cleanup.Action("the build's docker processes", null, this::destroyAll))) {
            List<List<StepResult>> done = succeeded(chains.run(PlatformChains.of(plan), jobs, prefix), prefix);
            Map<String, StepResult> latest = new LinkedHashMap<>();
            done.forEach(chain -> latest.put(chain.get(0).label(), lastWithDigest(chain)));
            if (done.size() == 1) {
                digest = lastWithDigest(done.get(0)).digest();
            } else if (plan.commands().stream().anyMatch(c -> c instanceof ManifestList)) {
                // podman's per-platform builds share one manifest list, pushed at the end of the last chain
                List<StepResult> last = done.get(done.size() - 1);
                digest = last.get(last.size() - 1).digest();
            }
            for (Command c : plan.commands()) {
                if (c instanceof Manifest m) {
                    digest = index.publish(m, digests(latest));
                }
            }
            // Each chain's build (a podman chain starts by emptying its manifest list).
            return new Result(done.stream().map(chain -> chain.stream().filter(r -> r.kind() == Command.Kind.BUILD).findFirst()
                    .orElse(chain.get(0))).toList(), digest, Duration.ofNanos(System.nanoTime() - t0));
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

    /** The chains' results when none failed; else the first failure, thrown (the platforms it stopped are not the cause). */
    private static List<List<StepResult>> succeeded(PlatformChains.Done done, boolean prefix) {
        StepResult first = done.firstFailure();
        if (first != null && first.buildxMissing()) {
            throw new BuildxMissing();
        }
        if (first != null) {
            throw Failures.ofStep(first, prefix);
        }
        return done.chains();
    }

    /** A chain's last step that reported a digest (a LOAD reports none: its build's is the image's), else its last. */
    private static StepResult lastWithDigest(List<StepResult> chain) {
        for (int i = chain.size() - 1; i >= 0; i--) {
            if (chain.get(i).digest() != null) {
                return chain.get(i);
            }
        }
        return chain.get(chain.size() - 1);
    }

    /** The digest each platform's last step reported, by platform ("" when it reported none). */
    private static Map<String, String> digests(Map<String, StepResult> latest) {
        Map<String, String> out = new HashMap<>();
        latest.forEach((label, r) -> out.put(label, r.digest() == null ? "" : r.digest()));
        return out;
    }

    /** Stops every running child (and its children), SIGTERM then SIGKILL after 5 s, and refuses new ones. */
    public void destroyAll() {
        children.stopAll();
    }
}
