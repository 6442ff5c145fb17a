package dev.nssimg.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.DeviceRequest;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ulimit;
import com.github.dockerjava.api.model.Volume;
import dev.nssimg.error.ExitCode;
import dev.nssimg.error.Lines;
import dev.nssimg.error.NssimgException;
import dev.nssimg.lifecycle.Cleanup;
import dev.nssimg.lifecycle.Log;
import dev.nssimg.model.FileFacts;
import dev.nssimg.model.GpuRequest;
import dev.nssimg.model.RunResult;
import dev.nssimg.model.RunSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Containers run once and removed, always: smoke checks and `nssimg run`. */
final class Containers implements java.io.Closeable {
    private final DockerClient client;
    /** The same engine through a client whose every response is bounded: what removal uses. */
    private final DockerClient teardown;
    private final Calls calls;
    private final Cleanup cleanup;
    private final Log log;
    /** The caller's session name (label {@link Engine#SESSION_LABEL}), or null. */
    private final String session;
    /** The CLI a user removes a container with by hand (e.g. "docker --host unix:///x.sock"). */
    private final String cli;

    Containers(DockerClient client, DockerClient teardown, Calls calls, Cleanup cleanup, Log log, String session, String cli) {
        this.client = client;
        this.teardown = teardown;
        this.calls = calls;
        this.cleanup = cleanup;
        this.log = log;
        this.session = session;
        this.cli = cli;
    }

    @Override
    public void close() throws IOException {
        teardown.close();
    }

    /**
     * Creates, starts and waits for a container, then force-removes it, always
     * (also on timeout, errors and Ctrl-C, through {@link Cleanup}).
     */
    RunResult run(RunSpec spec) {
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
        if (spec.ipc() != null) {
            hc.withIpcMode(spec.ipc());
        }
        if (spec.userns() != null) {
            hc.withUsernsMode(spec.userns()); // podman's API takes its own modes here (keep-id:uid=..,gid=..)
        }
        if (!spec.ulimits().isEmpty()) {
            hc.withUlimits(spec.ulimits().stream().map(u -> new Ulimit(u.name(), u.soft(), u.hard())).toList());
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
                .withLabels(labels(spec))
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
        if (spec.workdir() != null) {
            create.withWorkingDir(spec.workdir());
        }
        if (spec.platform() != null) {
            create.withPlatform(spec.platform());
        }
        log.debug(Containers.class, "create container {} from {} (platform {}, cmd {})", name, spec.image(),
                spec.platform(), spec.cmd());
        cleanup.checkNotInterrupted();
        String id = calls.call(() -> {
            try {
                return create.exec().getId();
            } catch (NotFoundException e) {
                throw NssimgException.failed("image " + spec.image() + " not found on the engine");
            } catch (RuntimeException e) {
                throw gpuRefused(e, spec.gpus());
            }
        });
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        String shortId = id.substring(0, Math.min(12, id.length()));
        try (AutoCloseable removal = cleanup.register(new Cleanup.Action("container " + shortId, cli + " rm -f " + shortId,
                () -> remove(id, Cleanup.BOUND)))) {
            Output output = new Output(out, err, spec.out(), spec.err());
            var attach = client.attachContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true)
                    .withLogs(true);
            if (spec.interactive()) {
                attach.withStdIn(System.in);
            }
            calls.call(() -> attach.exec(output));
            output.awaitStarted(10, TimeUnit.SECONDS);
            try {
                calls.call(() -> {
                    client.startContainerCmd(id).exec();
                    return null;
                });
            } catch (NssimgException e) {
                throw ulimitRefused(gpuRefused(e, spec.gpus()), spec.ulimits());
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
            throw e instanceof DockerException de ? calls.translate(de) : (NssimgException) e;
        } catch (Exception e) {
            throw calls.translate(e);
        } finally {
            removeQuietly(id);
        }
    }

    /** The spec's labels, plus the caller's session name when it gave one. */
    private java.util.Map<String, String> labels(RunSpec spec) {
        if (session == null) {
            return spec.labels();
        }
        java.util.Map<String, String> all = new java.util.LinkedHashMap<>(spec.labels());
        all.put(Engine.SESSION_LABEL, session);
        return all;
    }

    /**
     * A path of an image, read from a container created from it (never started: nothing in the image runs) and
     * removed, through the engine's archive endpoint; empty when the image has no such path. At most maxBytes of a
     * regular file's content are kept.
     */
    Optional<FileFacts> readFile(String image, String platform, String path, int maxBytes, Map<String, String> labels) {
        CreateContainerCmd create = client.createContainerCmd(image)
                .withName("nssimg-" + UUID.randomUUID().toString().substring(0, 12))
                .withLabels(labels(new RunSpec(image, platform, null, List.of(), List.of(), List.of(), null, true, true, 0, null,
                        labels, Duration.ofSeconds(60), false, null, null, null, null, List.of())))
                .withEntrypoint(List.of("/nssimg-never-started"))
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none"));
        if (platform != null) {
            create.withPlatform(platform);
        }
        cleanup.checkNotInterrupted();
        String id = calls.call(() -> {
            try {
                return create.exec().getId();
            } catch (NotFoundException e) {
                throw NssimgException.failed("image " + image + " not found on the engine");
            }
        });
        String shortId = id.substring(0, Math.min(12, id.length()));
        try (AutoCloseable removal = cleanup.register(new Cleanup.Action("container " + shortId, cli + " rm -f " + shortId,
                () -> remove(id, Cleanup.BOUND)))) {
            return calls.call(() -> {
                try (InputStream in = client.copyArchiveFromContainerCmd(id, path).exec();
                        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
                    TarArchiveEntry e = tar.getNextEntry();
                    if (e == null) {
                        return Optional.<FileFacts>empty();
                    }
                    byte[] content = new byte[0];
                    boolean truncated = false;
                    if (e.isFile()) {
                        content = tar.readNBytes(maxBytes);
                        truncated = e.getSize() > content.length;
                    }
                    return Optional.of(new FileFacts(path, e.isDirectory(), e.isSymbolicLink(), e.isSymbolicLink() ? e.getLinkName() : null,
                            e.getMode() & 07777, e.getLongUserId(), e.getLongGroupId(), e.getUserName(), e.getGroupName(), content,
                            truncated));
                } catch (NotFoundException e) {
                    return Optional.<FileFacts>empty();
                } catch (IOException e) {
                    throw NssimgException.environment("reading " + path + " from " + image + ": " + e.getMessage());
                }
            });
        } catch (NssimgException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            removeQuietly(id);
        }
    }

    /** Force-removes a container on the normal path; a failure is a warning with the command that removes it. */
    void removeQuietly(String id) {
        try {
            remove(id, Cleanup.BOUND);
        } catch (RuntimeException e) {
            String shortId = id.substring(0, Math.min(12, id.length()));
            cleanup.warn("nssimg: could not remove container " + shortId + ": " + e.getMessage() + "; remove it with: " + cli
                    + " rm -f " + shortId);
        }
    }

    /**
     * Kills, then force-removes a container, and returns when it is gone; every engine call is bounded (the teardown
     * client), and a call that fails or times out is tried again until limit. Throws when the container may still be
     * there. Another caller's removal under way counts as removal once the engine no longer knows the container.
     */
    void remove(String id, Duration limit) {
        // A removal is what an interrupted thread (Ctrl-C) must still finish: the interrupt waits until it is done,
        // which the limit bounds.
        boolean[] interrupted = {Thread.interrupted()};
        try {
            removeWithin(id, limit, interrupted);
        } finally {
            if (interrupted[0]) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void removeWithin(String id, Duration limit, boolean[] interrupted) {
        long end = System.nanoTime() + limit.toNanos();
        String last = "the engine did not answer";
        // Each call is bounded by the teardown client (3 s to connect, 5 s to answer); none starts after the limit,
        // so the whole removal ends within the limit plus one call.
        java.util.function.BooleanSupplier timeLeft = () -> System.nanoTime() < end;
        try {
            teardown.killContainerCmd(id).exec(); // once: a forced removal kills it too, and a slow engine needs no second
        } catch (RuntimeException e) {
            // not running, already gone, or slow: the forced removal below decides
        }
        for (int attempt = 0; timeLeft.getAsBoolean(); attempt++) {
            try {
                teardown.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
                return;
            } catch (NotFoundException e) {
                return; // already gone
            } catch (RuntimeException e) {
                last = Lines.first(String.valueOf(e.getMessage()));
            }
            if (!timeLeft.getAsBoolean()) {
                break;
            }
            try {
                teardown.inspectContainerCmd(id).exec();
            } catch (NotFoundException e) {
                return; // another caller's removal finished
            } catch (RuntimeException e) {
                // the engine cannot tell now: try again
            }
            long pause = Math.min(100L << Math.min(attempt, 4), Math.max(0, (end - System.nanoTime()) / 1_000_000));
            if (pause > 0) {
                try {
                    Thread.sleep(pause); // a backoff between tries of a bounded retry, not a wait for a condition
                } catch (InterruptedException e) {
                    interrupted[0] = true; // given back to the caller by remove; the limit still bounds this
                }
            }
        }
        throw new IllegalStateException("not removed within " + limit.toSeconds() + " s (" + last + ")");
    }

    /** The device request of a GPU request; null for none. */
    static DeviceRequest gpuRequest(GpuRequest gpu) {
        if (gpu == null) {
            return null;
        }
        if (gpu.kind() == GpuRequest.Kind.CDI) {
            // What `docker run --device nvidia.com/gpu=all` sends (Docker 25+ with the cdi feature; podman's API).
            return new DeviceRequest().withDriver("cdi").withDeviceIds(gpu.ids());
        }
        DeviceRequest r = new DeviceRequest().withDriver("").withCapabilities(List.of(List.of("gpu")));
        return gpu.ids().isEmpty() ? r.withCount(gpu.count()) : r.withDeviceIds(gpu.ids());
    }

    /**
     * The engine's refusal of a GPU request (its own words, from a remote engine whose specs nssimg cannot read) as
     * exit 3 with what to do; other errors as they are.
     */
    static RuntimeException gpuRefused(RuntimeException e, GpuRequest gpu) {
        String m = String.valueOf(e.getMessage());
        if (gpu == null) {
            return e;
        }
        String what = gpu.kind() == GpuRequest.Kind.CDI ? String.join(", ", gpu.ids()) : "--gpus " + gpu.asked();
        // The engine's words: could not select device driver "cdi" (quotes JSON-escaped on the way).
        if (m.contains("could not select device driver") && gpu.kind() == GpuRequest.Kind.CDI) {
            return NssimgException.environment("the engine cannot inject CDI devices (" + what + "): its cdi feature is off;"
                    + " enable {\"features\":{\"cdi\":true}} in daemon.json (Docker 25-28.1), or pass --gpus none");
        }
        if (m.contains("could not select device driver")) {
            return NssimgException.environment("the engine has no NVIDIA runtime for " + what
                    + ": install the NVIDIA Container Toolkit on the engine host, or pass --gpus none");
        }
        if (m.contains("unresolvable CDI devices") || m.contains("CDI device")) {
            return NssimgException.environment("the engine knows no CDI device " + what + " (" + Lines.first(m.replaceAll("^Status \\d+: ", ""))
                    + "): run nvidia-ctk cdi generate on the engine host, or pass --gpus none");
        }
        return e;
    }

    /** Linux's RLIMIT_* numbers, as runc's "error setting rlimit type N" names them. */
    private static final List<String> RLIMITS = List.of("cpu", "fsize", "data", "stack", "core", "rss", "nproc", "nofile",
            "memlock", "as", "locks", "sigpending", "msgqueue", "nice", "rtprio", "rttime");

    /**
     * The engine refusing a ulimit (the engine host's own hard limit is lower: runc cannot raise it) as one line naming
     * that ulimit, exit 3; other errors as they are.
     */
    static RuntimeException ulimitRefused(RuntimeException e, List<RunSpec.Ulimit> ulimits) {
        String m = String.valueOf(e.getMessage());
        if (ulimits.isEmpty() || !m.contains("rlimit")) {
            return e;
        }
        java.util.regex.Matcher type = java.util.regex.Pattern.compile("rlimit type (\\d+)").matcher(m);
        String name = type.find() && Integer.parseInt(type.group(1)) < RLIMITS.size() ? RLIMITS.get(Integer.parseInt(type.group(1))) : null;
        List<RunSpec.Ulimit> named = ulimits.stream().filter(u -> name == null || u.name().equals(name)).toList();
        String which = String.join(", ", named.stream().map(u -> "--ulimit " + u.name() + "=" + u.soft() + ":" + u.hard()).toList());
        return NssimgException.environment("the engine refused " + (which.isEmpty() ? "a ulimit" : which) + " (" + Lines.first(
                m.replaceAll("^engine error: ", "")).replaceAll(".*(error setting rlimit[^:]*: [^\"\\\\]*).*", "$1")
                + "): the engine host's hard limit is lower; lower the value (profile run.ulimits or --ulimit) or raise the host's limit");
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
