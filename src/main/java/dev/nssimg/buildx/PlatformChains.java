package dev.nssimg.buildx;

import dev.nssimg.buildx.BuildRunner.StepResult;
import dev.nssimg.plan.BuildPlan;
import dev.nssimg.plan.Command;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs each platform's chain of steps (its build, then its push) in phase order, up to jobs chains at once
 * on a thread pool. The first failure stops the other chains: nothing more starts, and what runs is stopped.
 */
final class PlatformChains {
    /** Runs one step; throws {@link Children.Stopped} when another chain's failure refused its start. */
    @FunctionalInterface
    interface Step {
        StepResult run(Command c, boolean prefix) throws IOException, InterruptedException;
    }

    /** Each chain's results (up to its failure or stop), and the first failure, if any (the cause of the stop). */
    record Done(List<List<StepResult>> chains, StepResult firstFailure) {}

    private final Step step;
    private final Runnable stopAll;

    PlatformChains(Step step, Runnable stopAll) {
        this.step = step;
        this.stopAll = stopAll;
    }

    /**
     * The BUILD and PUSH steps of each platform, in phase order. A platform's push follows its own build
     * at once, while the other platforms still build: on real images the first platform's gigabytes are
     * uploaded during the slower (emulated) one's build instead of after it.
     */
    static List<List<Command>> of(BuildPlan plan) {
        Map<String, List<Command>> byLabel = new LinkedHashMap<>();
        plan.commands().stream()
                .filter(c -> c.kind() == Command.Kind.PREPARE || c.kind() == Command.Kind.BUILD || c.kind() == Command.Kind.LOAD || c.kind() == Command.Kind.PUSH)
                .sorted(Comparator.comparingInt(Command::phase))
                .forEach(c -> byLabel.computeIfAbsent(c.label(), k -> new ArrayList<>()).add(c));
        return List.copyOf(byLabel.values());
    }

    Done run(List<List<Command>> chains, int jobs, boolean prefix) throws IOException, InterruptedException, ExecutionException {
        AtomicReference<StepResult> firstFailure = new AtomicReference<>();
        List<List<StepResult>> results = new ArrayList<>();
        if (chains.size() <= 1 || jobs <= 1) {
            for (List<Command> chain : chains) {
                results.add(runChain(chain, prefix, firstFailure));
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
        return new Done(results, firstFailure.get());
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
                r = step.run(c, prefix);
            } catch (Children.Stopped e) {
                break; // another platform failed between the check above and the start
            }
            out.add(r);
            if (!r.ok()) {
                if (firstFailure.compareAndSet(null, r)) {
                    stopAll.run(); // stop the other platforms now
                }
                break;
            }
        }
        return out;
    }
}
