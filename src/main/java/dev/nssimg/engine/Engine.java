package dev.nssimg.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.nssimg.error.ExitCode;
import dev.nssimg.error.NssimgException;
import dev.nssimg.lifecycle.Cleanup;
import dev.nssimg.lifecycle.Log;
import dev.nssimg.model.EngineInfo;
import dev.nssimg.model.FileFacts;
import dev.nssimg.model.GpuFacts;
import dev.nssimg.model.ImageFacts;
import dev.nssimg.model.ImageHistory;
import dev.nssimg.model.RunResult;
import dev.nssimg.model.RunSpec;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one place that talks to docker-java. Engine errors become
 * {@link NssimgException}s with the exit codes of {@link ExitCode}.
 */
public final class Engine implements Closeable {
    public static final String DEFAULT_HOST = "unix:///var/run/docker.sock";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final DockerClient client;
    private final String host;
    private final Log log;
    private final Calls calls;
    private final Containers containers;
    private final DockerHttpClient http;

    /**
     * Set (by the application layer, on the environment it connects with) when DOCKER_HOST is podman's
     * Docker-compatible service: its value says how to start that service.
     */
    public static final String PODMAN_API_HINT = "NSSIMG_PODMAN_API_HINT";

    /**
     * A name the caller gives its session (a CI job id, a test run): every container nssimg creates then carries it
     * as the label {@link #SESSION_LABEL}, so that a sweep removes exactly that session's leftovers.
     */
    public static final String SESSION = "NSSIMG_SESSION";
    public static final String SESSION_LABEL = "nssimg.session";

    private Engine(DockerClient client, DockerHttpClient http, DockerClient teardown, String host, String startHint,
            String session, Cleanup cleanup, Log log) {
        this.client = client;
        this.http = http;
        this.host = host;
        this.log = log;
        this.calls = new Calls(host, startHint);
        this.containers = new Containers(client, teardown, calls, cleanup, log, session,
                (startHint != null ? "podman" : "docker") + (host.equals(DEFAULT_HOST) ? "" : " --host " + host));
    }

    /**
     * Connects lazily (nothing is sent until the first call) to DOCKER_HOST or the default socket.
     * Everything comes from env and cwd, nothing from this JVM's own environment: in the daemon they differ.
     * Containers it starts are removed by cleanup on Ctrl-C.
     */
    public static Engine connect(Map<String, String> env, Path cwd, Cleanup cleanup, Log log) {
        String host = env.getOrDefault("DOCKER_HOST", "");
        if (host.isBlank()) {
            host = DEFAULT_HOST;
        }
        DefaultDockerClientConfig.Builder b = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host)
                .withDockerConfig(dockerConfigDir(env, cwd).toString());
        String tls = env.get("DOCKER_TLS_VERIFY");
        boolean verify = tls != null && !tls.isBlank() && !tls.equals("0");
        b.withDockerTlsVerify(verify);
        if (verify && env.get("DOCKER_CERT_PATH") != null) {
            b.withDockerCertPath(env.get("DOCKER_CERT_PATH"));
        }
        DefaultDockerClientConfig config;
        try {
            config = b.build();
        } catch (RuntimeException e) {
            throw NssimgException.usage("env DOCKER_HOST: '" + host + "' is not a usable engine address: " + e.getMessage());
        }
        // No response timeout: `run` waits on a container (a training job) for as long as it runs, and
        // its output may be silent for long stretches. Smoke bounds its own wait (RunSpec.timeout).
        var http = new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .connectionTimeout(Duration.ofSeconds(5))
                .maxConnections(32)
                .build();
        // Removing a container on Ctrl-C must not hang on an engine that answers slowly: those calls go through a
        // client of their own whose every response is bounded (Containers retries them until the teardown's bound).
        var bounded = new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .connectionTimeout(Duration.ofSeconds(3))
                .responseTimeout(Duration.ofSeconds(5))
                .maxConnections(4)
                .build();
        String session = env.get(SESSION);
        return new Engine(DockerClientImpl.getInstance(config, http), http, DockerClientImpl.getInstance(config, bounded), host,
                env.get(PODMAN_API_HINT), session == null || session.isBlank() ? null : session, cleanup, log);
    }

    /** The docker CLI's configuration directory: DOCKER_CONFIG (relative to cwd), else ~/.docker. */
    public static Path dockerConfigDir(Map<String, String> env, Path cwd) {
        String dir = env.get("DOCKER_CONFIG");
        if (dir != null && !dir.isBlank()) {
            return cwd.resolve(dir);
        }
        return Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".docker");
    }

    public String host() {
        return host;
    }

    public void ping() {
        calls.call(() -> client.pingCmd().exec());
    }

    public EngineInfo info() {
        Version v = calls.call(() -> client.versionCmd().exec());
        Info i = calls.call(() -> client.infoCmd().exec());
        boolean snapshotter = i.getDriverStatuses() != null && i.getDriverStatuses().stream()
                .anyMatch(kv -> kv.size() == 2 && kv.get(1).startsWith("io.containerd.snapshotter"));
        List<String> runtimes = i.getRuntimes() == null ? List.of() : List.copyOf(i.getRuntimes().keySet());
        return new EngineInfo(host, v.getVersion(), v.getApiVersion(), v.getOperatingSystem(), v.getArch(), snapshotter,
                runtimes, i.getDockerRootDir());
    }

    /**
     * The registries the engine treats as insecure (plain HTTP allowed): its insecure CIDRs (127.0.0.0/8 by default)
     * and the names of the registries configured as not secure, as GET /info reports them.
     */
    public Set<String> insecureRegistries() {
        Info i = calls.call(() -> client.infoCmd().exec());
        Set<String> out = new LinkedHashSet<>();
        var config = i.getRegistryConfig();
        if (config != null) {
            if (config.getInsecureRegistryCIDRs() != null) {
                out.addAll(config.getInsecureRegistryCIDRs());
            }
            if (config.getIndexConfigs() != null) {
                config.getIndexConfigs().forEach((name, index) -> {
                    if (index != null && Boolean.FALSE.equals(index.getSecure())) {
                        out.add(name);
                    }
                });
            }
        }
        return out;
    }

    /**
     * The engine's runtimes and CDI spec directories, from GET /info as the engine sends it: docker-java's model has
     * no CDISpecDirs (Docker 25+), so this one call reads the raw document through docker-java's transport.
     */
    public GpuFacts gpuFacts() {
        JsonNode info = rawInfo();
        List<String> runtimes = new ArrayList<>();
        info.path("Runtimes").fieldNames().forEachRemaining(runtimes::add);
        List<String> dirs = null;
        if (info.has("CDISpecDirs") && info.get("CDISpecDirs").isArray()) {
            dirs = new ArrayList<>();
            for (JsonNode d : info.get("CDISpecDirs")) {
                dirs.add(d.asText());
            }
        }
        return new GpuFacts(host, runtimes, dirs, host.startsWith("unix://"));
    }

    /** The engine runs rootless (docker info's SecurityOptions name it: rootless docker, and podman's API for rootless podman). */
    public boolean rootless() {
        for (JsonNode o : rawInfo().path("SecurityOptions")) {
            if (o.asText().contains("name=rootless")) {
                return true;
            }
        }
        return false;
    }

    private JsonNode rawInfo() {
        return calls.call(() -> {
            DockerHttpClient.Request req = DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.GET)
                    .path("/info").build();
            try (DockerHttpClient.Response resp = http.execute(req)) {
                if (resp.getStatusCode() != 200) {
                    throw NssimgException.environment("the engine at " + host + " answered GET /info with HTTP " + resp.getStatusCode());
                }
                return JSON.readTree(resp.getBody());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** The image's configuration, or empty if the engine does not have it. */
    public Optional<ImageFacts> inspectImage(String ref) {
        log.debug(Engine.class, "inspect image {} at {}", ref, host);
        try {
            InspectImageResponse r = calls.call(() -> client.inspectImageCmd(ref).exec());
            var c = r.getConfig();
            return Optional.of(new ImageFacts(ref, r.getId(), r.getOs() + "/" + r.getArch(),
                    r.getSize() == null ? -1 : r.getSize(),
                    c == null ? Map.of() : c.getLabels(), c == null ? "" : c.getUser(),
                    c == null || c.getEntrypoint() == null ? List.of() : Arrays.asList(c.getEntrypoint()),
                    c == null || c.getCmd() == null ? List.of() : Arrays.asList(c.getCmd()),
                    c == null || c.getEnv() == null ? List.of() : Arrays.asList(c.getEnv()),
                    r.getRepoDigests(), c == null ? "" : c.getWorkingDir(),
                    c == null || c.getExposedPorts() == null ? List.of()
                            : Arrays.stream(c.getExposedPorts()).map(Object::toString).toList()));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /** The image's layers and history, or empty if the engine does not have it. */
    public Optional<ImageHistory> history(String ref) {
        log.debug(Engine.class, "history of {} at {}", ref, host);
        try {
            InspectImageResponse r = calls.call(() -> client.inspectImageCmd(ref).exec());
            List<ImageHistory.Entry> entries = new java.util.ArrayList<>();
            calls.call(() -> client.imageHistoryCmd(r.getId()).exec()).forEach(h -> entries.add(0, // newest first on the wire
                    new ImageHistory.Entry(h.getCreatedBy() == null ? "" : h.getCreatedBy(), h.getSize() == null ? 0 : h.getSize())));
            List<String> layers = r.getRootFS() == null || r.getRootFS().getLayers() == null ? List.of() : r.getRootFS().getLayers();
            return Optional.of(new ImageHistory(r.getId(), r.getSize() == null ? -1 : r.getSize(), layers, entries));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * Free bytes where the engine keeps its data (docker info's DockerRootDir), when that directory can be seen from
     * here (an engine on a local socket); empty otherwise.
     */
    public java.util.OptionalLong freeDisk(EngineInfo info) {
        if (info.rootDir() == null || !info.host().startsWith("unix://")) {
            return java.util.OptionalLong.empty();
        }
        Path root = Path.of(info.rootDir());
        try {
            return java.nio.file.Files.isDirectory(root)
                    ? java.util.OptionalLong.of(java.nio.file.Files.getFileStore(root).getUsableSpace())
                    : java.util.OptionalLong.empty();
        } catch (IOException e) {
            return java.util.OptionalLong.empty();
        }
    }

    /** Pulls one platform of an image (for smoke tests of a pushed index). */
    public void pull(String ref, String platform) {
        try {
            calls.call(() -> {
                try {
                    // No time limit: the real images are 15-25 GB; Ctrl-C stops a pull.
                    client.pullImageCmd(ref).withPlatform(platform).start().awaitCompletion();
                    return null;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new NssimgException(ExitCode.INTERRUPTED, "interrupted");
                }
            });
        } catch (NotFoundException e) {
            throw NssimgException.failed("image " + ref + " (" + platform + ") not found in its registry");
        }
    }

    /**
     * Creates, starts and waits for a container, then force-removes it, always
     * (also on timeout, errors and Ctrl-C, through the invocation's cleanup).
     */
    public RunResult run(RunSpec spec) {
        return containers.run(spec);
    }

    /**
     * A path of an image (its kind, mode, owner and up to maxBytes of its content), read without running the image;
     * empty when the image has no such path. labels: the throw-away container's.
     */
    public Optional<FileFacts> readFile(String image, String platform, String path, int maxBytes, Map<String, String> labels) {
        return containers.readFile(image, platform, path, maxBytes, labels);
    }

    /** Containers carrying a label key (any value): what tests and cleanup look for. */
    public List<String> containersWithLabel(String label) {
        List<Container> cs = calls.call(() -> client.listContainersCmd().withShowAll(true)
                .withLabelFilter(List.of(label)).exec());
        return cs.stream().map(Container::getId).toList();
    }

    /** Containers carrying a label with exactly this value. */
    public List<String> containersWithLabel(String label, String value) {
        return containersWithLabel(label + "=" + value);
    }

    @Override
    public void close() throws IOException {
        try {
            client.close();
        } finally {
            containers.close();
        }
    }


}
