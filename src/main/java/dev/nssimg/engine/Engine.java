package dev.nssimg.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.UnauthorizedException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.DeviceRequest;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.nssimg.error.ExitCode;
import dev.nssimg.error.NssimgException;
import dev.nssimg.lifecycle.Cleanup;
import dev.nssimg.lifecycle.Log;
import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one place that talks to docker-java. Engine errors become
 * {@link NssimgException}s with the exit codes of {@link ExitCode}.
 */
public final class Engine implements Closeable {
    public static final String DEFAULT_HOST = "unix:///var/run/docker.sock";
    private final DockerClient client;
    private final String host;
    private final Cleanup cleanup;
    private final Log log;

    private Engine(DockerClient client, String host, Cleanup cleanup, Log log) {
        this.client = client;
        this.host = host;
        this.cleanup = cleanup;
        this.log = log;
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
        return new Engine(DockerClientImpl.getInstance(config, http), host, cleanup, log);
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
        call(() -> client.pingCmd().exec());
    }

    public EngineInfo info() {
        Version v = call(() -> client.versionCmd().exec());
        Info i = call(() -> client.infoCmd().exec());
        boolean snapshotter = i.getDriverStatuses() != null && i.getDriverStatuses().stream()
                .anyMatch(kv -> kv.size() == 2 && kv.get(1).startsWith("io.containerd.snapshotter"));
        List<String> runtimes = i.getRuntimes() == null ? List.of() : List.copyOf(i.getRuntimes().keySet());
        return new EngineInfo(host, v.getVersion(), v.getApiVersion(), v.getOperatingSystem(), v.getArch(), snapshotter,
                runtimes, i.getDockerRootDir());
    }

    /** The image's configuration, or empty if the engine does not have it. */
    public Optional<ImageFacts> inspectImage(String ref) {
        log.debug(Engine.class, "inspect image {} at {}", ref, host);
        try {
            InspectImageResponse r = call(() -> client.inspectImageCmd(ref).exec());
            var c = r.getConfig();
            return Optional.of(new ImageFacts(ref, r.getId(), r.getOs() + "/" + r.getArch(),
                    r.getSize() == null ? -1 : r.getSize(),
                    c == null ? Map.of() : c.getLabels(), c == null ? "" : c.getUser(),
                    c == null || c.getEntrypoint() == null ? List.of() : Arrays.asList(c.getEntrypoint()),
                    c == null || c.getCmd() == null ? List.of() : Arrays.asList(c.getCmd()),
                    c == null || c.getEnv() == null ? List.of() : Arrays.asList(c.getEnv()),
                    r.getRepoDigests()));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /** Pulls one platform of an image (for smoke tests of a pushed index). */
    public void pull(String ref, String platform) {
        try {
            call(() -> {
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
     * (also on timeout, errors and Ctrl-C, through {@link Cleanup}).
     */
    public RunResult run(RunSpec spec) {
        String name = "nssimg-" + UUID.randomUUID().toString().substring(0, 12);
        HostConfig hc = HostConfig.newHostConfig();
        if (spec.networkNone()) {
            hc.withNetworkMode("none");
        }
        if (spec.hardened()) {
            hc.withCapDrop(Capability.ALL).withSecurityOpts(List.of("no-new-privileges:true"));
        }
        if (spec.shmSizeBytes() > 0) {
            hc.withShmSize(spec.shmSizeBytes());
        }
        List<Bind> binds = new ArrayList<>();
        for (RunSpec.Mount m : spec.mounts()) {
            binds.add(new Bind(m.source(), new Volume(m.target()), m.readOnly() ? AccessMode.ro : AccessMode.rw));
        }
        hc.withBinds(binds);
        DeviceRequest gpu = gpuRequest(spec.gpus());
        if (gpu != null) {
            hc.withDeviceRequests(List.of(gpu));
        }
        CreateContainerCmd create = client.createContainerCmd(spec.image())
                .withName(name)
                .withLabels(spec.labels())
                .withCmd(spec.cmd())
                .withEnv(spec.env())
                .withHostConfig(hc)
                .withAttachStdout(true)
                .withAttachStderr(true)
                .withAttachStdin(spec.interactive())
                .withStdinOpen(spec.interactive())
                .withTty(false);
        if (spec.entrypoint() != null) {
            create.withEntrypoint(spec.entrypoint());
        }
        if (spec.user() != null) {
            create.withUser(spec.user());
        }
        if (spec.platform() != null) {
            create.withPlatform(spec.platform());
        }
        log.debug(Engine.class, "create container {} from {} (platform {}, cmd {})", name, spec.image(),
                spec.platform(), spec.cmd());
        cleanup.checkNotInterrupted();
        String id = call(() -> {
            try {
                return create.exec().getId();
            } catch (NotFoundException e) {
                throw NssimgException.failed("image " + spec.image() + " not found on the engine");
            }
        });
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        try (AutoCloseable removal = cleanup.register(() -> removeQuietly(id))) {
            Output output = new Output(out, err, spec.out(), spec.err());
            var attach = client.attachContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true)
                    .withLogs(true);
            if (spec.interactive()) {
                attach.withStdIn(System.in);
            }
            call(() -> attach.exec(output));
            output.awaitStarted(10, TimeUnit.SECONDS);
            try {
                call(() -> {
                    client.startContainerCmd(id).exec();
                    return null;
                });
            } catch (NssimgException e) {
                if (e.getMessage().contains("could not select device driver")) {
                    throw NssimgException.environment("the engine has no NVIDIA runtime for --gpus " + spec.gpus()
                            + ": install the NVIDIA Container Toolkit on the engine host, or pass --gpus none");
                }
                throw e;
            }
            WaitContainerResultCallback wait = client.waitContainerCmd(id).exec(new WaitContainerResultCallback());
            Integer code;
            try {
                code = spec.timeout() == null ? wait.awaitStatusCode()
                        : wait.awaitStatusCode(spec.timeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (DockerClientException e) {
                if (String.valueOf(e.getMessage()).contains("timeout") || e.getCause() == null) {
                    removeQuietly(id);
                    output.awaitCompletion(2, TimeUnit.SECONDS);
                    return new RunResult(-1, true, out.toString(), err.toString(), id);
                }
                throw e;
            }
            output.awaitCompletion(10, TimeUnit.SECONDS);
            return new RunResult(code, false, out.toString(), err.toString(), id);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NssimgException(ExitCode.INTERRUPTED, "interrupted");
        } catch (NssimgException | DockerException e) {
            throw e instanceof DockerException de ? translate(de) : (NssimgException) e;
        } catch (Exception e) {
            throw translate(e);
        } finally {
            removeQuietly(id);
        }
    }

    /** Containers carrying a label key (any value): what tests and cleanup look for. */
    public List<String> containersWithLabel(String label) {
        List<Container> cs = call(() -> client.listContainersCmd().withShowAll(true)
                .withLabelFilter(List.of(label)).exec());
        return cs.stream().map(Container::getId).toList();
    }

    /** Force-removes a container and returns when it is gone (also when another caller's removal is under way). */
    public void removeQuietly(String id) {
        try {
            client.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
            // already gone
        } catch (RuntimeException e) {
            if (String.valueOf(e.getMessage()).contains("already in progress")) {
                awaitGone(id, Duration.ofSeconds(15));
            } else {
                cleanup.warn("nssimg: could not remove container " + id.substring(0, 12) + ": " + e.getMessage());
            }
        }
    }

    private void awaitGone(String id, Duration limit) {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            try {
                client.inspectContainerCmd(id).exec();
                Thread.sleep(50);
            } catch (NotFoundException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                return; // the engine cannot tell: nothing more to wait for
            }
        }
        cleanup.warn("nssimg: container " + id.substring(0, 12) + " was still being removed after " + limit.toSeconds() + " s");
    }

    /** Fails with a usage error unless gpus is all, none, a count or device=IDS. */
    public static void validateGpus(String gpus) {
        gpuRequest(gpus);
    }

    static DeviceRequest gpuRequest(String gpus) {
        if (gpus == null || gpus.isBlank() || gpus.equals("none")) {
            return null;
        }
        DeviceRequest r = new DeviceRequest().withDriver("").withCapabilities(List.of(List.of("gpu")));
        if (gpus.equals("all")) {
            return r.withCount(-1);
        }
        if (gpus.matches("\\d+")) {
            return r.withCount(Integer.parseInt(gpus));
        }
        if (gpus.startsWith("device=")) {
            return r.withDeviceIds(List.of(gpus.substring("device=".length()).split(",")));
        }
        throw NssimgException.usage("flag --gpus: '" + gpus + "' is not all, none, a count or device=ID[,ID]");
    }

    private <T> T call(Supplier<T> s) {
        try {
            return s.get();
        } catch (NotFoundException e) {
            throw e;
        } catch (NssimgException e) {
            throw e;
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    private NssimgException translate(Exception e) {
        if (e instanceof UnauthorizedException) {
            return NssimgException.environment("the registry refused the credentials: " + firstLine(e.getMessage())
                    + " (docker login REGISTRY)");
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof IOException || root instanceof java.net.SocketException
                || String.valueOf(e.getMessage()).contains("java.io.IOException")) {
            return NssimgException.environment("cannot reach the Docker engine at " + host + ": "
                    + firstLine(root.getMessage() == null ? root.toString() : root.getMessage())
                    + " (start one with scripts/testbed up, or set DOCKER_HOST)");
        }
        if (e instanceof DockerException de) {
            return new NssimgException(ExitCode.FAILED, "engine error: " + firstLine(de.getMessage()));
        }
        return new NssimgException(ExitCode.FAILED, "engine error: " + firstLine(String.valueOf(e.getMessage())));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        String t = s.replaceAll("^Status \\d+: ", "").replaceAll("\\{\"message\":\"(.*)\"\\}\\s*$", "$1");
        int nl = t.indexOf('\n');
        return (nl < 0 ? t : t.substring(0, nl)).trim();
    }

    @Override
    public void close() throws IOException {
        client.close();
    }

    /** Collects stdout/stderr frames and forwards them as they arrive. */
    private static final class Output extends ResultCallback.Adapter<Frame> {
        private final StringBuilder out;
        private final StringBuilder err;
        private final Writer outSink;
        private final Writer errSink;

        Output(StringBuilder out, StringBuilder err, Writer outSink, Writer errSink) {
            this.out = out;
            this.err = err;
            this.outSink = outSink;
            this.errSink = errSink;
        }

        @Override
        public void onNext(Frame f) {
            String s = new String(f.getPayload(), java.nio.charset.StandardCharsets.UTF_8);
            boolean isErr = f.getStreamType() == com.github.dockerjava.api.model.StreamType.STDERR;
            synchronized (this) {
                (isErr ? err : out).append(s);
            }
            Writer w = isErr ? errSink : outSink;
            if (w != null) {
                try {
                    w.write(s);
                    w.flush();
                } catch (IOException e) {
                    // the reader went away; keep collecting
                }
            }
        }
    }
}
