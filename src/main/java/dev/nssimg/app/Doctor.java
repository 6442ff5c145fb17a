package dev.nssimg.app;

import dev.nssimg.buildx.Builders;
import dev.nssimg.buildx.DockerCli;
import dev.nssimg.daemon.Daemons;
import dev.nssimg.engine.Engine;
import dev.nssimg.engine.EngineInfo;
import dev.nssimg.error.ExitCode;
import dev.nssimg.error.NssimgException;
import dev.nssimg.plan.Layers;
import dev.nssimg.profile.Located;
import dev.nssimg.profile.Validation;
import dev.nssimg.registry.Registries;
import dev.nssimg.workspace.Project;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;

/** `nssimg doctor`: can this machine build, smoke-test and run the images? One row per check. */
public final class Doctor {
    static final long MIN_FREE_BYTES = 30L * 1024 * 1024 * 1024;

    private Doctor() {}

    public enum Status { OK, WARN, FAIL;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One check: its name, status, what was found and what to do about it (empty when nothing). */
    public record Row(String check, Status status, String detail, String hint) {
        static Row ok(String check, String detail) {
            return new Row(check, Status.OK, detail, "");
        }
    }

    public record Report(List<Row> rows) {
        public Report {
            rows = List.copyOf(rows);
        }

        /** Warnings allowed; any failure is an environment error. */
        public ExitCode exitCode() {
            return rows.stream().anyMatch(r -> r.status() == Status.FAIL) ? ExitCode.ENVIRONMENT : ExitCode.OK;
        }
    }

    /**
     * registry: the flag's value (null: CONTAINER_GPU_REGISTRY, else none); maxSize: --max-size (null: the selected
     * profile's size-budget, if any), what the disk check measures free space against.
     */
    public static Report run(Invocation inv, String registry, Selection sel, String maxSize) {
        String reg = registry != null ? registry : inv.env().getOrDefault("CONTAINER_GPU_REGISTRY", "");
        if (!reg.isBlank()) {
            Validation.registry(Located.of(reg, registry != null ? "flag --registry" : "env CONTAINER_GPU_REGISTRY"));
        }
        List<Row> rows = new ArrayList<>();
        Project project = Project.discover(inv.cwd());
        rows.add(Row.ok("project", "root " + project.root() + ", profiles " + project.profilesFileName(inv.env())));
        EngineInfo info = null;
        try {
            info = inv.engine().info();
            rows.add(Row.ok("engine", "Docker " + info.serverVersion() + " (API " + info.apiVersion() + ") at "
                    + info.host() + ", " + info.os() + "/" + info.arch()));
        } catch (NssimgException e) {
            rows.add(new Row("engine", Status.FAIL, e.getMessage(), "start an engine (scripts/testbed up) or set DOCKER_HOST"));
        }
        if (info != null) {
            rows.add(info.containerdSnapshotter()
                    ? Row.ok("image-store", "containerd image store: multi-platform --load works")
                    : new Row("image-store", Status.WARN, "classic image store: one platform per --load",
                            "enable {\"features\":{\"containerd-snapshotter\":true}} in daemon.json"));
            rows.add(info.runtimes().contains("nvidia")
                    ? Row.ok("nvidia-runtime", "runtimes: " + String.join(", ", info.runtimes()))
                    : new Row("nvidia-runtime", Status.WARN, "no nvidia runtime (runtimes: " + String.join(", ", info.runtimes()) + ")",
                            "install the NVIDIA Container Toolkit to use --gpus; use 'nssimg run --gpus none' here"));
            rows.add(disk(inv, info, budget(inv, sel, maxSize)));
        }
        DockerCli cli = inv.dockerCli();
        DockerCli.Output v = cli.capture(List.of("docker", "buildx", "version"), 30);
        if (v.ok()) {
            rows.add(Row.ok("buildx", v.stdout().trim()));
            builders(cli, info, rows);
        } else {
            rows.add(new Row("buildx", Status.FAIL, v.exit() == 127 ? "docker CLI not found" : "the buildx plugin is missing: "
                    + v.lastErrorLine(), "install docker-buildx (Debian) or run scripts/testbed up"));
        }
        if (!reg.isBlank()) {
            rows.add(registryRow(inv, reg));
        }
        Daemons.Health daemon = Daemons.health(inv.env());
        rows.add(new Row("nssimg-daemon", daemon.ok() ? Status.OK : Status.WARN, daemon.detail(), daemon.hint()));
        return new Report(rows);
    }

    private static void builders(DockerCli cli, EngineInfo info, List<Row> rows) {
        DockerCli.Output ls = cli.capture(List.of("docker", "buildx", "ls", "--format", "json"), 60);
        if (!ls.ok()) {
            rows.add(new Row("builders", Status.WARN, "cannot list builders: " + ls.lastErrorLine(), ""));
            return;
        }
        List<Builders.Builder> builders = Builders.parse(ls.stdout());
        Set<String> platforms = Builders.platforms(builders);
        List<String> names = builders.stream().map(b -> b.name() + " (" + b.driver() + ": "
                + String.join(",", b.platforms().stream().filter(p -> p.chars().filter(c -> c == '/').count() == 1).toList())
                + ")").toList();
        rows.add(new Row("builders", platforms.isEmpty() ? Status.WARN : Status.OK,
                names.isEmpty() ? ls.stdout().trim() : String.join("; ", names), ""));
        String arch = info == null ? "amd64" : info.arch().equals("x86_64") ? "amd64" : info.arch().equals("aarch64") ? "arm64" : info.arch();
        String other = arch.equals("amd64") ? "linux/arm64" : "linux/amd64";
        rows.add(platforms.contains(other)
                ? Row.ok("qemu", other + " can be built and run (binfmt/QEMU or a native node)")
                : new Row("qemu", Status.WARN, "no builder supports " + other,
                        "install qemu-user-static + binfmt-support, or append a native node: nssimg builder create"));
    }

    /** The size budget the disk is judged by: --max-size, else the profile's size-budget; null when neither. */
    private static Builds.Budget budget(Invocation inv, Selection sel, String maxSize) {
        if (maxSize != null) {
            return new Builds.Budget(Validation.size(Located.of(maxSize, "flag --max-size")), "flag --max-size");
        }
        try {
            Located<String> b = Inputs.load(inv, sel, dev.nssimg.profile.Overrides.NONE).resolved().sizeBudget();
            return b == null ? null : new Builds.Budget(Validation.size(b), b.origin());
        } catch (NssimgException e) {
            if (sel.profile() != null) {
                throw e; // a profile was asked for by name: its errors are the user's to see
            }
            return null; // no profiles file here: the disk is judged without a budget
        }
    }

    /** As a build with a budget judges it (Builds.checkDisk): below the budget fails, below twice it warns. */
    private static Row disk(Invocation inv, EngineInfo info, Builds.Budget budget) {
        OptionalLong free = inv.engine().freeDisk(info);
        if (free.isEmpty()) {
            return new Row("disk", Status.WARN, "cannot measure free space of " + info.rootDir() + " (remote engine?)",
                    budget == null ? "the runtime image needs 15-25 GB; keep 30 GB free"
                            : "a build within the size budget needs " + Layers.size(budget.bytes()) + " (" + budget.origin() + ")");
        }
        String d = Layers.size(free.getAsLong()) + " free at " + info.rootDir();
        if (budget == null) {
            return free.getAsLong() < MIN_FREE_BYTES
                    ? new Row("disk", Status.WARN, d, "the runtime image is 15-25 GB; free at least 30 GB (docker builder prune)")
                    : Row.ok("disk", d);
        }
        String b = "size budget " + Layers.size(budget.bytes()) + " (" + budget.origin() + ")";
        if (free.getAsLong() < budget.bytes()) {
            return new Row("disk", Status.FAIL, d + ", below the " + b, "free space: docker builder prune, docker image prune");
        }
        if (free.getAsLong() < 2 * budget.bytes()) {
            return new Row("disk", Status.WARN, d + ", below twice the " + b, "a rebuild next to the old image may not fit");
        }
        return Row.ok("disk", d + ", at least twice the " + b);
    }

    private static Row registryRow(Invocation inv, String reg) {
        Registries.Probe p = Registries.probe(reg);
        if (!p.reached()) {
            return new Row("registry", Status.FAIL, p.host() + " unreachable: " + p.error(), "check the address and network");
        }
        if (p.status() != 200 && p.status() != 401) {
            return new Row("registry", Status.FAIL, p.url() + " answered HTTP " + p.status(), "is this a registry?");
        }
        boolean creds = Registries.hasCredentials(Engine.dockerConfigDir(inv.env(), inv.cwd()), p.host());
        if (p.status() == 401 && !creds) {
            return new Row("registry", Status.FAIL, p.host() + " wants credentials and none are configured", "docker login " + p.host());
        }
        return Row.ok("registry", p.host() + " reachable (HTTP " + p.status() + ")"
                + (creds ? ", credentials configured" : ", no credentials needed"));
    }
}
