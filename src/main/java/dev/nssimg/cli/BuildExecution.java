package dev.nssimg.cli;

import dev.nssimg.buildx.BuildRunner;
import dev.nssimg.buildx.Imagetools;
import dev.nssimg.engine.Engine;
import dev.nssimg.engine.ImageFacts;
import dev.nssimg.error.NssimgException;
import dev.nssimg.json.Json;
import dev.nssimg.lifecycle.Log;
import dev.nssimg.plan.BuildPlan;
import dev.nssimg.plan.Command;
import dev.nssimg.plan.Planner;
import dev.nssimg.profile.Resolved;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What `nssimg build` does once the plan exists: print it (--dry-run) or run
 * it and report. Kept out of the picocli command class, whose methods picocli
 * reflects over at every start.
 */
final class BuildExecution {
    private final Context ctx;
    private final CommonOptions common;
    private final String target;
    private final boolean json;
    private final int jobs;
    private final boolean smoke;
    private final long smokeTimeout;

    BuildExecution(Context ctx, CommonOptions common, String target, boolean json, int jobs, boolean smoke, long smokeTimeout) {
        this.ctx = ctx;
        this.common = common;
        this.target = target;
        this.json = json;
        this.jobs = jobs;
        this.smoke = smoke;
        this.smokeTimeout = smokeTimeout;
    }

    void printPlan(BuildPlan plan) {
        if (json) {
            List<String> commands = plan.commands().stream()
                    .map(c -> "{\"argv\":" + Json.list(c.argv()) + ",\"env\":" + Json.map(c.env()) + "}").toList();
            ctx.out().println("{\"commands\":[" + String.join(",", commands) + "]}");
        } else {
            plan.commands().forEach(c -> ctx.out().println(c.shellLine()));
        }
        ctx.out().flush();
    }

    int execute(BuildPlan plan, Resolved r) {
        BuildRunner runner = new BuildRunner(ctx.launcher(), ctx.out(), ctx.err(), ctx.cwd(), json, ctx.env());
        // The engine client is only needed for the image size afterwards: warm it up (client, JSON
        // models) while buildx works, so that the inspect after the build is quick.
        CompletableFuture<Engine> engine = plan.push() ? null : CompletableFuture.supplyAsync(() -> {
            long t0 = System.nanoTime();
            Engine e = ctx.engine();
            e.inspectImage(plan.tags().get(0));
            Log.debug(BuildExecution.class, "engine client ready after {} ms", (System.nanoTime() - t0) / 1_000_000);
            return e;
        });
        // The image size, asked as soon as the image is stored, while buildx is still finishing up.
        java.util.concurrent.atomic.AtomicReference<CompletableFuture<Long>> earlySize = new java.util.concurrent.atomic.AtomicReference<>();
        if (engine != null && plan.builds().size() == 1) {
            runner.onImageStored(label -> earlySize.compareAndSet(null, CompletableFuture.supplyAsync(
                    () -> sizeOf(engine, plan.tags().get(0)))));
        }
        BuildRunner.Result result;
        try {
            result = runner.run(plan, jobs);
        } catch (BuildRunner.BuildxMissing missing) {
            List<Command> classic = plan.commands().stream().map(Planner::classic).toList();
            if (classic.contains(null)) {
                throw NssimgException.environment("docker buildx is not installed, and this build needs it"
                        + (plan.platforms().size() > 1 ? " (several platforms)" : "")
                        + "; install the buildx plugin (Debian: docker-buildx; or scripts/testbed up)");
            }
            ctx.err().println("nssimg: docker buildx is not installed; building with the classic `docker build` and DOCKER_BUILDKIT=1");
            try {
                result = runner.run(new BuildPlan(plan.target(), plan.platforms(), plan.strategy(), plan.tags(), plan.push(),
                        classic, plan.warnings()), jobs);
            } catch (BuildRunner.BuildxMissing stillMissing) {
                throw NssimgException.environment("docker buildx is not installed, and this docker CLI (23.0 or newer) needs it"
                        + " for every BuildKit build; install the buildx plugin (Debian: docker-buildx; or scripts/testbed up)");
            }
        }
        String digest = result.digest();
        long size = -1;
        if (plan.push() && digest == null) {
            digest = new Imagetools(Inputs.dockerCli(ctx)).inspect(plan.tags().get(0)).digest();
        } else if (!plan.push()) {
            size = earlySize.get() != null ? earlySize.get().join() : sizeOf(engine, plan.tags().get(0));
        }
        int steps = result.builds().stream().mapToInt(BuildRunner.StepResult::steps).sum();
        int cached = result.builds().stream().mapToInt(BuildRunner.StepResult::cached).sum();
        double secs = result.duration().toMillis() / 1000.0;
        String title = (plan.push() ? "pushed " : "built ") + String.join(", ", plan.tags());
        List<String[]> rows = new ArrayList<>(); // for people: the console and the job summary
        rows.add(new String[] {"digest", digest == null ? "unknown" : digest});
        rows.add(new String[] {"platforms", String.join(", ", plan.platforms())
                + (plan.builds().size() > 1 ? " (split: one build per platform)" : "")});
        if (size >= 0) {
            rows.add(new String[] {"size", humanSize(size)});
        }
        rows.add(new String[] {"duration", String.format(java.util.Locale.ROOT, "%.1f s", secs)});
        rows.add(new String[] {"steps", cached + " cached of " + steps});
        if (json) {
            Map<String, String> event = new LinkedHashMap<>();
            event.put("event", Json.str("result"));
            event.put("tags", Json.list(plan.tags()));
            event.put("digest", Json.str(digest));
            event.put("platforms", Json.list(plan.platforms()));
            event.put("strategy", Json.str(plan.strategy().name().toLowerCase(java.util.Locale.ROOT)));
            event.put("pushed", String.valueOf(plan.push()));
            event.put("size", String.valueOf(size));
            event.put("durationMs", String.valueOf(result.duration().toMillis()));
            event.put("steps", String.valueOf(steps));
            event.put("cachedSteps", String.valueOf(cached));
            ctx.out().println(Json.object(event));
        } else {
            ctx.out().println(title);
            rows.forEach(row -> ctx.out().printf("  %-10s %s%n", row[0], row[1]));
        }
        ctx.out().flush();
        StepSummary.append(ctx, StepSummary.table("nssimg " + title, rows));
        if (smoke) {
            SmokeCommand s = new SmokeCommand(ctx);
            s.common = common;
            s.target = target;
            s.image = plan.tags().get(0);
            s.timeoutSeconds = smokeTimeout;
            s.json = json;
            s.allPlatforms = plan.push() && plan.platforms().size() > 1;
            return s.smoke(r);
        }
        return 0;
    }

    private static long sizeOf(CompletableFuture<Engine> engine, String ref) {
        try {
            long t0 = System.nanoTime();
            Engine e = engine.join();
            Log.debug(BuildExecution.class, "waited {} ms for the engine client", (System.nanoTime() - t0) / 1_000_000);
            Optional<ImageFacts> f = e.inspectImage(ref);
            Log.debug(BuildExecution.class, "inspected {} in {} ms", ref, (System.nanoTime() - t0) / 1_000_000);
            return f.map(ImageFacts::size).orElse(-1L);
        } catch (NssimgException | java.util.concurrent.CompletionException e) {
            return -1; // the size is a nicety; the build itself succeeded
        }
    }

    static String humanSize(long bytes) {
        if (bytes < 1024 * 1024) {
            return String.format("%.1f KB", bytes / 1024.0);
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format("%.1f MB", bytes / (1024.0 * 1024));
        }
        return String.format("%.2f GB", bytes / (1024.0 * 1024 * 1024));
    }
}
