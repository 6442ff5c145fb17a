package dev.nssimg.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nssimg.buildx.Builders;
import dev.nssimg.buildx.DockerContexts;
import dev.nssimg.daemon.Daemons;
import dev.nssimg.engine.CdiSpecs;
import dev.nssimg.engine.Engine;
import dev.nssimg.error.ExitCode;
import dev.nssimg.error.NssimgException;
import dev.nssimg.model.EngineInfo;
import dev.nssimg.model.GpuFacts;
import dev.nssimg.plan.Layers;
import dev.nssimg.plan.Planner;
import dev.nssimg.plan.Signer;
import dev.nssimg.profile.Located;
import dev.nssimg.profile.Overrides;
import dev.nssimg.profile.ProfileSpec;
import dev.nssimg.profile.ProfilesFile;
import dev.nssimg.profile.Validation;
import dev.nssimg.registry.Registries;
import dev.nssimg.runtime.Captured;
import dev.nssimg.runtime.Invocation;
import dev.nssimg.workspace.Project;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

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
    /** cosign, which build --sign, sign and verify run: present, and which version (3.x asks its TUF root even with a key). */
    static Row cosign(Captured cli) {
        Captured.Output v = cli.capture(List.of(Signer.COSIGN, "version", "--json"), 30);
        if (!v.ok()) {
            return new Row("cosign", Status.WARN, v.exit() == 127 ? "cosign not found (only signing needs it)" : v.lastErrorLine(),
                    "install cosign 2.x for build --sign, sign and verify (Debian trixie: apt-get install cosign)");
        }
        String version;
        try {
            version = new ObjectMapper().readTree(v.stdout()).path("gitVersion").asText("unknown");
        } catch (IOException e) {
            version = "unknown";
        }
        if (version.startsWith("v3") || version.startsWith("3")) {
            return new Row("cosign", Status.WARN, "cosign " + version + ": 3.x asks its TUF root even with a key",
                    "offline or private signing: use cosign 2.x, or give cosign a signing config");
        }
        return Row.ok("cosign", "cosign " + version + (version.equals("devel") ? " (a build without a version stamp, as Debian's)" : ""));
    }

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

    /** registry: the flag's value (null: CONTAINER_GPU_REGISTRY, else none). */
    public static Report run(Invocation inv, String registry) {
        return run(inv, registry == null ? List.of() : List.of(registry), null, null);
    }

    /**
     * flagRegistries: --registry values (none: CONTAINER_GPU_REGISTRY); sel: with a profile, every registry it
     * publishes to (registries, registry) is checked too, each for reachability and credentials. maxSize: --max-size
     * (null: the selected profile's size-budget, if any), what the disk check measures free space against.
     */
    public static Report run(Invocation caller, List<String> flagRegistries, Selection sel, String maxSize) {
        List<Row> rows = new ArrayList<>();
        EngineChoice choice;
        Located<String> profileEngine = null;
        try {
            Inputs in = Inputs.load(caller, sel == null ? new Selection(null, null) : sel, Overrides.NONE);
            profileEngine = in.resolved().engine();
            // Which of the repository's task runners nssimg read its variables and defaults from.
            rows.add(new Row("runner", Status.OK, in.runner().describe() + (in.runner().notes().isEmpty() ? ""
                    : "; " + String.join("; ", in.runner().notes())), ""));
        } catch (NssimgException e) {
            if (sel != null && sel.profile() != null) {
                throw e; // the profile asked for is the culprit
            }
            rows.add(new Row("profiles", Status.WARN, e.getMessage(), "fix the profiles file (nssimg profiles)"));
        }
        try {
            choice = EngineChoice.resolve(caller.env(), sel == null ? null : sel.engine(), profileEngine);
        } catch (NssimgException e) {
            if (e.exitCode() != ExitCode.ENVIRONMENT) {
                throw e;
            }
            return new Report(List.of(new Row("engine-choice", Status.FAIL, e.getMessage(), "install docker and docker-buildx, or podman")));
        }
        rows.add(Row.ok("engine-choice", choice.engine().id() + (choice.program().equals(choice.engine().id()) ? "" : " (" + choice.program()
                + ")") + ": " + choice.why()));
        Invocation inv = choice.apply(caller);
        return choice.podman() ? podman(inv, choice, flagRegistries, sel, maxSize, rows) : docker(inv, flagRegistries, sel, maxSize, rows);
    }

    /** --registry values (else CONTAINER_GPU_REGISTRY), and with a profile every registry it publishes to. */
    private static java.util.Set<String> registries(Invocation inv, List<String> flagRegistries, Selection sel) {
        java.util.Set<String> regs = new java.util.LinkedHashSet<>();
        for (String r : flagRegistries) {
            Validation.registry(Located.of(r, "flag --registry"));
            regs.add(r);
        }
        String fromEnv = inv.env().getOrDefault("CONTAINER_GPU_REGISTRY", "");
        if (regs.isEmpty() && !fromEnv.isBlank()) {
            Validation.registry(Located.of(fromEnv, "env CONTAINER_GPU_REGISTRY"));
            regs.add(fromEnv);
        }
        if (sel != null && sel.profile() != null) {
            regs.addAll(Planner.registries(Inputs.load(inv, sel, Overrides.NONE).resolved()));
        }
        return regs;
    }

    private static Report docker(Invocation inv, List<String> flagRegistries, Selection sel, String maxSize, List<Row> rows) {
        java.util.Set<String> regs = registries(inv, flagRegistries, sel);
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
            GpuFacts gpu = gpuFacts(inv);
            boolean cdiGpus = gpu != null && cdiRow(gpu, rows);
            rows.add(info.runtimes().contains("nvidia")
                    ? Row.ok("nvidia-runtime", "runtimes: " + String.join(", ", info.runtimes()))
                    : new Row("nvidia-runtime", Status.WARN, "no nvidia runtime (runtimes: " + String.join(", ", info.runtimes()) + ")"
                            + (cdiGpus ? "; --gpus uses CDI" : ""),
                            cdiGpus ? "" : "install the NVIDIA Container Toolkit to use --gpus; use 'nssimg run --gpus none' here"));
            rows.add(disk(inv, info, budget(inv, sel, maxSize)));
        }
        Captured cli = inv.captured();
        Captured.Output v = cli.capture(List.of("docker", "buildx", "version"), 30);
        if (v.ok()) {
            rows.add(Row.ok("buildx", v.stdout().trim()));
            builders(cli, info, rows);
        } else {
            rows.add(new Row("buildx", Status.FAIL, v.exit() == 127 ? "docker CLI not found" : "the buildx plugin is missing: "
                    + v.lastErrorLine(), "install docker-buildx (Debian) or run scripts/testbed up"));
        }
        engines(inv, project, rows);
        regs.forEach(reg -> rows.add(registryRow(inv, reg)));
        Daemons.Health daemon = Daemons.health(inv.env());
        rows.add(cosign(cli));
        rows.add(new Row("nssimg-daemon", daemon.ok() ? Status.OK : Status.WARN, daemon.detail(), daemon.hint()));
        return new Report(rows);
    }

    /**
     * doctor on podman: its API service (found, or how to start it), the podman CLI, QEMU, CDI from /etc/cdi, disk,
     * registries. No buildx rows: podman builds with its own builder (buildah).
     */
    private static Report podman(Invocation inv, EngineChoice choice, List<String> flagRegistries, Selection sel, String maxSize,
            List<Row> rows) {
        java.util.Set<String> regs = registries(inv, flagRegistries, sel); // checked before anything is asked
        Project project = Project.discover(inv.cwd());
        rows.add(Row.ok("project", "root " + project.root() + ", profiles " + project.profilesFileName(inv.env())));
        EngineInfo info = null;
        java.util.Optional<java.nio.file.Path> sock = choice.socket();
        if (sock.isPresent() && !java.nio.file.Files.exists(sock.get())) {
            rows.add(new Row("engine", Status.FAIL, "podman's Docker-compatible API socket " + sock.get() + " (" + choice.apiWhy()
                    + ") does not exist", "start it: " + choice.startHint()));
        } else {
            try {
                info = inv.engine().info();
                rows.add(Row.ok("engine", "podman's Docker-compatible API " + info.serverVersion() + " (API " + info.apiVersion()
                        + ") at " + info.host() + " (" + choice.apiWhy() + "), " + info.os() + "/" + info.arch()
                        + (inv.engine().rootless() ? ", rootless: run maps uid 1000 to you (keep-id)" : ", rootful")));
            } catch (NssimgException e) {
                rows.add(new Row("engine", Status.FAIL, e.getMessage(), "start it: " + choice.startHint()));
            }
        }
        Captured.Output v = inv.captured().capture(List.of(choice.program(), "version", "--format", "{{.Client.Version}}"), 30);
        rows.add(v.ok() ? Row.ok("podman", choice.program() + " " + v.stdout().trim() + " (builds: podman build; multi-arch: a manifest list)")
                : new Row("podman", Status.FAIL, choice.program() + ": " + (v.exit() == 127 ? "not found" : v.lastErrorLine()),
                        "install podman (Debian trixie: podman 5.4)"));
        if (info != null) {
            GpuFacts gpu = gpuFacts(inv);
            if (gpu != null) {
                cdiRow(gpu.cdiSpecDirs() == null ? new GpuFacts(gpu.host(), gpu.runtimes(), Runs.PODMAN_CDI_DIRS, gpu.local()) : gpu, rows);
            }
            rows.add(disk(inv, info, budget(inv, sel, maxSize)));
        }
        String arch = info == null ? "amd64" : info.arch().equals("x86_64") || info.arch().equals("amd64") ? "amd64" : "arm64";
        String other = arch.equals("amd64") ? "aarch64" : "x86_64";
        rows.add(java.nio.file.Files.exists(java.nio.file.Path.of("/proc/sys/fs/binfmt_misc/qemu-" + other))
                ? Row.ok("qemu", "qemu-" + other + " registered: podman builds and runs the other platform")
                : new Row("qemu", Status.WARN, "qemu-" + other + " is not registered in binfmt_misc", "install qemu-user-static + binfmt-support"));
        regs.forEach(reg -> rows.add(registryRow(inv, reg)));
        Daemons.Health daemon = Daemons.health(inv.env());
        rows.add(cosign(inv.captured()));
        rows.add(new Row("nssimg-daemon", daemon.ok() ? Status.OK : Status.WARN, daemon.detail(), daemon.hint()));
        return new Report(rows);
    }

    private static void builders(Captured cli, EngineInfo info, List<Row> rows) {
        Captured.Output ls = cli.capture(List.of("docker", "buildx", "ls", "--format", "json"), 60);
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

    private static GpuFacts gpuFacts(Invocation inv) {
        try {
            return inv.engine().gpuFacts();
        } catch (NssimgException e) {
            return null; // the engine row has said it already
        }
    }

    /**
     * The engine's cdi feature and spec directories (docker info lists directories, not devices), and, when the
     * engine is local, the nvidia.com/gpu devices its specs offer. True when --gpus can use CDI here.
     */
    private static boolean cdiRow(GpuFacts gpu, List<Row> rows) {
        if (gpu.cdiSpecDirs() == null) {
            rows.add(new Row("cdi", Status.WARN, "the engine does not report CDI spec directories (Docker before 25, or podman)",
                    "podman reads CDI specs from /etc/cdi; CONTAINER_GPU_FLAG=\"--device nvidia.com/gpu=all\" asks for them"));
            return false;
        }
        if (!gpu.cdiOn()) {
            rows.add(new Row("cdi", Status.WARN, "cdi feature off", "for GPUs through CDI: {\"features\":{\"cdi\":true}} in"
                    + " daemon.json (the default from Docker 28.2), then nvidia-ctk cdi generate --output=/etc/cdi/nvidia.yaml"));
            return false;
        }
        String dirs = "spec dirs " + String.join(", ", gpu.cdiSpecDirs());
        Set<String> devices = gpu.local() ? CdiSpecs.devices(gpu.cdiSpecDirs(), CdiSpecs.GPU_KIND) : null;
        if (devices == null) {
            rows.add(Row.ok("cdi", "cdi feature on, " + dirs + " (devices not visible from here: the engine decides at run time)"));
            return true;
        }
        if (devices.isEmpty()) {
            rows.add(new Row("cdi", Status.WARN, "cdi feature on, " + dirs + ", no " + CdiSpecs.GPU_KIND + " devices",
                    "on a GPU host: nvidia-ctk cdi generate --output=/etc/cdi/nvidia.yaml"));
            return false;
        }
        rows.add(Row.ok("cdi", "cdi feature on, " + dirs + ", devices " + String.join(", ", devices)));
        return true;
    }

    /**
     * Every other engine the profiles file names: a builder or platform-builders entry that is a docker context
     * builds on that context's engine, so that engine must answer too. One row per engine ("engine NAME").
     */
    private static void engines(Invocation inv, Project project, List<Row> rows) {
        ProfilesFile file;
        try {
            file = project.profiles(null, inv.env());
        } catch (NssimgException e) {
            return; // the project row and every other command say what is wrong with the file
        }
        Set<String> named = new TreeSet<>();
        List<ProfileSpec> specs = new ArrayList<>(file.profiles().values());
        specs.add(file.defaults());
        for (ProfileSpec spec : specs) {
            if (spec.builder() != null) {
                named.add(spec.builder().value());
            }
            spec.platformBuilders().values().forEach(v -> named.add(v.value()));
        }
        if (named.isEmpty()) {
            return;
        }
        String host = inv.env().getOrDefault("DOCKER_HOST", "");
        Map<String, String> contexts = DockerContexts.read(Engine.dockerConfigDir(inv.env(), inv.cwd()),
                host.isBlank() ? Engine.DEFAULT_HOST : host);
        for (String name : named) {
            String address = contexts.get(name);
            if (address == null || name.equals("default")) {
                continue; // a buildx builder: the builders row lists it
            }
            rows.add(engineRow(inv, name, address));
        }
    }

    private static Row engineRow(Invocation inv, String context, String address) {
        String check = "engine " + context;
        if (!address.startsWith("unix://") && !address.startsWith("tcp://")) {
            // ssh:// and the like: only the docker CLI speaks them.
            Captured.Output v = inv.captured().capture(List.of("docker", "--context", context, "version", "--format",
                    "{{.Server.Version}} (API {{.Server.APIVersion}}) {{.Server.Os}}/{{.Server.Arch}}"), 60);
            return v.ok() ? Row.ok(check, "Docker " + v.stdout().trim() + " at " + address + " (docker context " + context + ")")
                    : new Row(check, Status.FAIL, "docker context " + context + " (" + address + "): " + v.lastErrorLine(),
                            "start that engine, or fix the context: docker context inspect " + context);
        }
        Map<String, String> env = new java.util.HashMap<>(inv.env());
        env.put("DOCKER_HOST", address);
        env.remove("DOCKER_CONTEXT");
        try (Engine e = Engine.connect(env, inv.cwd(), inv.cleanup(), inv.log())) {
            EngineInfo i = e.info();
            return Row.ok(check, "Docker " + i.serverVersion() + " (API " + i.apiVersion() + ") at " + address + ", " + i.os() + "/"
                    + i.arch() + " (docker context " + context + ")");
        } catch (NssimgException | IOException e) {
            return new Row(check, Status.FAIL, "docker context " + context + ": " + e.getMessage(),
                    "start that engine, or fix the context: docker context inspect " + context);
        }
    }

    /** The size budget the disk is judged by: --max-size, else the profile's size-budget; null when neither. */
    private static Builds.Budget budget(Invocation inv, Selection sel, String maxSize) {
        if (maxSize != null) {
            return new Builds.Budget(Validation.size(Located.of(maxSize, "flag --max-size")), "flag --max-size");
        }
        try {
            Located<String> b = Inputs.load(inv, sel, Overrides.NONE).resolved().sizeBudget();
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

    /** A registry: reachable, and where its credentials are (named, never read or shown). */
    private static Row registryRow(Invocation inv, String reg) {
        Registries.Probe p = Registries.probe(reg);
        String creds = Registries.credentials(Engine.dockerConfigDir(inv.env(), inv.cwd()), p.host());
        String login = "docker login " + p.host() + " --username USER --password-stdin";
        String credText = creds != null ? "credentials: " + creds : "credentials: none stored";
        if (!p.reached()) {
            return new Row("registry", Status.FAIL, reg + ": " + p.host() + " unreachable: " + p.error() + "; " + credText,
                    "check the address and network" + (creds == null ? "; then " + login : ""));
        }
        if (p.status() != 200 && p.status() != 401) {
            return new Row("registry", Status.FAIL, reg + ": " + p.url() + " answered HTTP " + p.status() + "; " + credText,
                    "is this a registry?");
        }
        if (p.status() == 401 && creds == null) {
            return new Row("registry", Status.FAIL, reg + ": " + p.host() + " wants credentials and none are stored", login);
        }
        return Row.ok("registry", reg + ": " + p.host() + " reachable (HTTP " + p.status() + "), "
                + (creds != null ? credText : "no credentials stored (none needed: it answered without)"));
    }
}
