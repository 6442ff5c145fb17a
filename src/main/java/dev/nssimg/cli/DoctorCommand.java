package dev.nssimg.cli;

import dev.nssimg.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nssimg.buildx.DockerCli;
import dev.nssimg.daemon.Daemons;
import dev.nssimg.engine.Engine;
import dev.nssimg.engine.EngineInfo;
import dev.nssimg.error.NssimgException;
import dev.nssimg.profile.Located;
import dev.nssimg.profile.Validation;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;

@picocli.CommandLine.Command(name = "doctor", sortOptions = false,
        description = {"Check that this machine can build, smoke-test and run the images.",
            "Exit 0 when nothing fails (warnings allowed), 3 when anything fails."})
public final class DoctorCommand implements Callable<Integer> {
    static final long MIN_FREE_BYTES = 30L * 1024 * 1024 * 1024;
    private final Context ctx;

    record Row(String check, String status, String detail, String hint) {}

    @Option(names = "--registry", paramLabel = "REGISTRY",
            description = "Also check this registry (reachable, credentials). Env: CONTAINER_GPU_REGISTRY.")
    String registry;

    @Option(names = "--json", description = "Print the rows as JSON.")
    boolean json;

    public DoctorCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        String reg = registry != null ? registry : ctx.env().getOrDefault("CONTAINER_GPU_REGISTRY", "");
        if (!reg.isBlank()) {
            Validation.registry(Located.of(reg, registry != null ? "flag --registry" : "env CONTAINER_GPU_REGISTRY"));
        }
        List<Row> rows = new ArrayList<>();
        EngineInfo info = null;
        Engine engine = null;
        try {
            engine = ctx.engine();
            info = engine.info();
            rows.add(new Row("engine", "ok", "Docker " + info.serverVersion() + " (API " + info.apiVersion() + ") at "
                    + info.host() + ", " + info.os() + "/" + info.arch(), ""));
        } catch (NssimgException e) {
            rows.add(new Row("engine", "fail", e.getMessage(), "start an engine (scripts/testbed up) or set DOCKER_HOST"));
        }
        if (info != null) {
            rows.add(info.containerdSnapshotter()
                    ? new Row("image-store", "ok", "containerd image store: multi-platform --load works", "")
                    : new Row("image-store", "warn", "classic image store: one platform per --load",
                            "enable {\"features\":{\"containerd-snapshotter\":true}} in daemon.json"));
            rows.add(info.runtimes().contains("nvidia")
                    ? new Row("nvidia-runtime", "ok", "runtimes: " + String.join(", ", info.runtimes()), "")
                    : new Row("nvidia-runtime", "warn", "no nvidia runtime (runtimes: " + String.join(", ", info.runtimes()) + ")",
                            "install the NVIDIA Container Toolkit to use --gpus; use 'nssimg run --gpus none' here"));
            rows.add(disk(info));
        }
        DockerCli cli = Inputs.dockerCli(ctx);
        DockerCli.Output v = cli.capture(List.of("docker", "buildx", "version"), 30);
        if (v.ok()) {
            rows.add(new Row("buildx", "ok", v.stdout().trim(), ""));
            builders(cli, info, rows);
        } else {
            rows.add(new Row("buildx", "fail", v.exit() == 127 ? "docker CLI not found" : "the buildx plugin is missing: "
                    + v.lastErrorLine(), "install docker-buildx (Debian) or run scripts/testbed up"));
        }
        if (!reg.isBlank()) {
            rows.add(registryRow(reg));
        }
        Daemons.Health daemon = Daemons.health(ctx.env());
        rows.add(new Row("nssimg-daemon", daemon.ok() ? "ok" : "warn", daemon.detail(), daemon.hint()));
        print(rows);
        return rows.stream().anyMatch(r -> r.status().equals("fail")) ? 3 : 0;
    }

    private void builders(DockerCli cli, EngineInfo info, List<Row> rows) {
        DockerCli.Output ls = cli.capture(List.of("docker", "buildx", "ls", "--format", "json"), 60);
        if (!ls.ok()) {
            rows.add(new Row("builders", "warn", "cannot list builders: " + ls.lastErrorLine(), ""));
            return;
        }
        Set<String> platforms = new LinkedHashSet<>();
        Set<String> names = new LinkedHashSet<>(); // buildx 0.13 prints some builders twice
        ObjectMapper m = new ObjectMapper();
        for (String line : ls.stdout().split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode b = m.readTree(line);
                List<String> bp = new ArrayList<>();
                for (JsonNode n : b.path("Nodes")) {
                    n.path("Platforms").forEach(p -> bp.add(p.asText()));
                }
                platforms.addAll(bp);
                names.add(b.path("Name").asText() + " (" + b.path("Driver").asText() + ": "
                        + String.join(",", bp.stream().filter(p -> p.chars().filter(c -> c == '/').count() == 1).toList()) + ")");
            } catch (IOException e) {
                // older buildx: not JSON; fall through to the summary
            }
        }
        rows.add(new Row("builders", platforms.isEmpty() ? "warn" : "ok", names.isEmpty() ? ls.stdout().trim() : String.join("; ", names), ""));
        String nativeArch = info == null ? "amd64" : info.arch().equals("x86_64") ? "amd64" : info.arch().equals("aarch64") ? "arm64" : info.arch();
        String other = nativeArch.equals("amd64") ? "linux/arm64" : "linux/amd64";
        rows.add(platforms.contains(other)
                ? new Row("qemu", "ok", other + " can be built and run (binfmt/QEMU or a native node)", "")
                : new Row("qemu", "warn", "no builder supports " + other,
                        "install qemu-user-static + binfmt-support, or append a native node: nssimg builder create"));
    }

    private static Row disk(EngineInfo info) {
        Path root = info.rootDir() == null ? null : Path.of(info.rootDir());
        boolean local = info.host().startsWith("unix://");
        if (root == null || !local || !Files.isDirectory(root)) {
            return new Row("disk", "warn", "cannot measure free space of " + info.rootDir() + " (remote engine?)",
                    "the runtime image needs 15-25 GB; keep 30 GB free");
        }
        try {
            long free = Files.getFileStore(root).getUsableSpace();
            String d = String.format("%.1f GB free at %s", free / 1e9, root);
            return free < MIN_FREE_BYTES
                    ? new Row("disk", "warn", d, "the runtime image is 15-25 GB; free at least 30 GB (docker builder prune)")
                    : new Row("disk", "ok", d, "");
        } catch (IOException e) {
            return new Row("disk", "warn", "cannot measure free space: " + e.getMessage(), "");
        }
    }

    private Row registryRow(String reg) {
        String host = reg.contains("/") ? reg.substring(0, reg.indexOf('/')) : reg;
        boolean loopback = host.startsWith("127.") || host.startsWith("localhost") || host.startsWith("[::1]");
        String url = (loopback ? "http://" : "https://") + host + "/v2/";
        int status;
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.setConnectTimeout(5000);
            c.setReadTimeout(5000);
            status = c.getResponseCode();
            c.disconnect();
        } catch (IOException | IllegalArgumentException e) {
            return new Row("registry", "fail", host + " unreachable: " + e.getMessage(), "check the address and network");
        }
        if (status != 200 && status != 401) {
            return new Row("registry", "fail", url + " answered HTTP " + status, "is this a registry?");
        }
        boolean creds = hasCredentials(host);
        if (status == 401 && !creds) {
            return new Row("registry", "fail", host + " wants credentials and none are configured", "docker login " + host);
        }
        return new Row("registry", "ok", host + " reachable (HTTP " + status + ")"
                + (creds ? ", credentials configured" : ", no credentials needed"), "");
    }

    /** True when ~/.docker/config.json (or DOCKER_CONFIG) has auths, a helper or a store for host. Never reads secrets out. */
    private boolean hasCredentials(String host) {
        Path cfg = Engine.dockerConfigDir(ctx.env(), ctx.cwd()).resolve("config.json");
        try {
            JsonNode n = new ObjectMapper().readTree(cfg.toFile());
            return n.path("auths").has(host) || n.path("credHelpers").has(host) || n.hasNonNull("credsStore");
        } catch (IOException e) {
            return false;
        }
    }

    private void print(List<Row> rows) {
        if (json) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < rows.size(); i++) {
                Row r = rows.get(i);
                sb.append(i == 0 ? "" : ",").append("{\"check\":").append(Json.str(r.check()))
                        .append(",\"status\":").append(Json.str(r.status()))
                        .append(",\"detail\":").append(Json.str(r.detail()))
                        .append(",\"hint\":").append(Json.str(r.hint())).append('}');
            }
            ctx.out().println(sb.append(']'));
        } else {
            String fmt = "%-15s %-5s %s%n";
            ctx.out().printf(fmt, "CHECK", "STATUS", "DETAIL");
            for (Row r : rows) {
                ctx.out().printf(fmt, r.check(), r.status(), r.detail() + (r.hint().isEmpty() ? "" : "\n" + " ".repeat(22) + "hint: " + r.hint()));
            }
        }
        ctx.out().flush();
    }
}
