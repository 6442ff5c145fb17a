package dev.nssimg.buildx;

import dev.nssimg.buildx.BuildRunner.StepResult;
import dev.nssimg.error.NssimgException;
import dev.nssimg.lifecycle.Cleanup;
import dev.nssimg.lifecycle.Log;
import dev.nssimg.plan.Build;
import dev.nssimg.plan.Command;
import dev.nssimg.plan.Load;
import dev.nssimg.plan.PodmanBuild;
import dev.nssimg.runtime.Captured;
import dev.nssimg.runtime.TurnLock;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs one BUILD or PUSH step of a platform: waits for its metadata file's turn, starts it, follows its
 * progress and output, and reads the digest it reports. A push that failed on a registry server error runs
 * once more (its build is cached by then).
 */
final class StepRunner {
    private final Children children;
    private final OutputPump pump;
    private final Captured docker;
    private final Map<String, String> baseEnv;
    private final Consumer<String> imageStored;
    private final Cleanup cleanup;
    private final Log log;
    private final TurnLock.Turns turns;

    StepRunner(Children children, OutputPump pump, Captured docker, Map<String, String> baseEnv,
            Consumer<String> imageStored, Cleanup cleanup, Log log, TurnLock.Turns turns) {
        this.cleanup = cleanup;
        this.log = log;
        this.turns = turns;
        this.children = children;
        this.pump = pump;
        this.docker = docker;
        this.baseEnv = baseEnv;
        this.imageStored = imageStored;
    }

    /** prefix: the run builds several platforms, so lines say whose they are. */
    StepResult run(Command c, boolean prefix) throws IOException, InterruptedException {
        return Failures.retriedOnce(() -> runOnce(c, prefix),
                r -> r.ok() ? null : c.pushes() && Failures.registryServerError(r.error()) ? "the registry failed (" + r.error() + ")"
                        : c.kind() == Command.Kind.BUILD && Failures.unpackRace(r.error())
                                ? "the engine lost a layer while unpacking the image (" + r.error() + ", moby/buildkit#6521)" : null,
                why -> pump.tell("nssimg: " + c.label() + ": " + why + "; trying once more"));
    }

    private StepResult runOnce(Command c, boolean prefix) throws IOException, InterruptedException {
        if (c.metadataFile() == null) {
            return runStep(c, prefix);
        }
        String tag = OutputPump.prefix(prefix ? c.label() : null);
        try (TurnLock turn = TurnLock.take(c.metadataFile(), () -> pump.tell(tag
                + "nssimg: another build of this profile, target and platform is running in this checkout"
                + " (it writes " + c.metadataFile() + "); waiting for it"), cleanup, turns)) {
            Files.deleteIfExists(c.metadataFile());
            return runStep(c, prefix);
        }
    }

    private StepResult runStep(Command c, boolean prefix) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Map<String, String> env = new LinkedHashMap<>(baseEnv);
        env.putAll(c.env());
        List<String> argv = c.argv();
        Process p;
        try {
            p = children.start(argv, env);
        } catch (IOException e) {
            throw NssimgException.environment("cannot run " + argv.get(0) + ": " + e.getMessage());
        }
        Progress progress = new Progress();
        if (c.kind() == Command.Kind.BUILD) {
            progress.onImageStored(() -> imageStored.accept(c.label()));
        }
        String label = prefix ? c.label() : null;
        Thread outPump = pump.pump(p.getInputStream(), label, progress);
        Thread errPump = pump.pump(p.getErrorStream(), label, progress);
        int exit = p.waitFor();
        OutputPump.await(children::stopping, outPump, errPump);
        children.forget(p);
        log.debug(StepRunner.class, "pid {} ({}) exited {} after {} ms", p.pid(), c.label(), exit, (System.nanoTime() - t0) / 1_000_000);
        // podman's manifest push writes its digest to a file; docker push prints it.
        String digest = exit != 0 ? null : c.kind() == Command.Kind.PUSH && c.metadataFile() == null ? progress.pushedDigest()
                : c.kind() == Command.Kind.LOAD || c.kind() == Command.Kind.PREPARE ? null : MetadataDigest.read(c.metadataFile());
        if (exit == 0 && c instanceof Load l) {
            Files.deleteIfExists(l.tarball()); // loaded: the image store has every blob of it now
        }
        boolean missing = progress.buildxMissing();
        if (exit != 0 && !missing && c instanceof Build b && b.tool() == Build.Tool.BUILDX && !progress.sawBuildkit()) {
            // Newer docker CLIs answer an unknown `buildx` with a flag error: ask once, on this failure path only.
            missing = !docker.capture(List.of("docker", "buildx", "version"), 30).ok();
        }
        // podman prints no machine-readable record of which steps came from its cache: unknown (-1), not guessed.
        int cached = c instanceof PodmanBuild ? -1 : progress.cachedSteps();
        return new StepResult(c.kind(), c.label(), exit, digest, progress.steps(), cached, progress.failedStep(),
                progress.error(), missing, Duration.ofNanos(System.nanoTime() - t0));
    }
}
